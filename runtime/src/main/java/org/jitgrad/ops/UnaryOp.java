package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.UnaryKernels;
import org.jitgrad.tensor.Shape;

/** Elementwise one-input ops. Each constant: its kernel, its lane rule, then its local gradient. */
public enum UnaryOp implements ElementwiseOp {
    NEG {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.neg(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.neg(x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.neg(g); }
    },
    /** Multiplication by the constant {@code params.value()}. */
    SCALE {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.scale(x, c, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.mul(x, l.constant(c)); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.scale(g, c); }
    },
    EXP {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.exp(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.exp(x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.mul(g, y); }
    },
    LOG {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.log(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.log(x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.div(g, x); }
    },
    SQRT {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.sqrt(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.sqrt(x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.div(b.scale(g, 0.5f), y); }
    },
    TANH {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.tanh(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.tanh(x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.apply(GradOp.TANH_GRAD, OpParams.NONE, g, y); }
    },
    SIGMOID {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.sigmoid(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.div(l.constant(1f), l.add(l.exp(l.neg(x)), l.constant(1f))); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.apply(GradOp.SIGMOID_GRAD, OpParams.NONE, g, y); }
    },
    RELU {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.relu(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.max(x, l.constant(0f)); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.apply(GradOp.RELU_GRAD, OpParams.NONE, g, y); }
    },
    /** {@code x^p} for the constant exponent {@code p = params.value()}. */
    POW {
        void run(float[] x, float p, float[] y, int n) { UnaryKernels.pow(x, p, y, n); }
        <V> V lane(LaneBuilder<V> l, float p, V x) {
            return switch (UnaryKernels.powForm(p)) {   // the kernel's forms, for the same rounding
                case 1 -> l.mul(x, x);
                case 2 -> l.sqrt(x);
                case 3 -> l.div(l.constant(1f), l.sqrt(x));
                case 4 -> l.div(l.constant(1f), x);
                case 5 -> l.div(l.constant(1f), l.mul(x, l.sqrt(x)));
                default -> l.pow(x, p);
            };
        }
        <T> T grad(GradBuilder<T> b, float p, T x, T y, T g) { return b.mul(g, b.scale(b.pow(x, p - 1f), p)); }
    },
    /**
     * The error function. A Taylor polynomial below |x| = 0.5 and Abramowitz-Stegun 7.1.26 above (absolute
     * error below 1.5e-7); its derivative {@code 2/√π·exp(-x²)} is exact.
     */
    ERF {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.erf(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return erf(l, x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) {
            return b.mul(g, b.scale(b.apply(EXP, OpParams.NONE, b.neg(b.mul(x, x))), UnaryKernels.TWO_OVER_SQRT_PI));
        }
    };

    abstract void run(float[] x, float c, float[] y, int n);

    abstract <V> V lane(LaneBuilder<V> l, float c, V x);

    abstract <T> T grad(GradBuilder<T> b, float c, T x, T y, T g);

    /**
     * erf as a lane rule: the formula of the compiler's loops, and of the tape's kernel {@link UnaryKernels#erf}, which
     * writes the same operations out in one loop (this method is too large for C2 to inline there; UnaryOpTest checks
     * that the two agree bit for bit).
     */
    static <V> V erf(LaneBuilder<V> l, V x) {
        V ax = l.abs(x);
        // |x| < 0.5: 2/√π (x - x³/3 + x⁵/10 - x⁷/42 + x⁹/216 - x¹¹/1320), relative error < 1e-7 there
        V x2 = l.mul(x, x);
        V series = l.constant(-1f / 1320);
        series = l.add(l.mul(series, x2), l.constant(1f / 216));
        series = l.add(l.mul(series, x2), l.constant(-1f / 42));
        series = l.add(l.mul(series, x2), l.constant(1f / 10));
        series = l.add(l.mul(series, x2), l.constant(-1f / 3));
        series = l.add(l.mul(series, x2), l.constant(1f));
        series = l.mul(l.mul(series, x), l.constant(UnaryKernels.TWO_OVER_SQRT_PI));
        // |x| >= 0.5: sign(x)·(1 - poly(t)·exp(-x²)), t = 1/(1 + 0.3275911|x|)
        V t = l.div(l.constant(1f), l.add(l.mul(ax, l.constant(0.3275911f)), l.constant(1f)));
        V poly = l.constant(1.061405429f);
        poly = l.add(l.mul(poly, t), l.constant(-1.453152027f));
        poly = l.add(l.mul(poly, t), l.constant(1.421413741f));
        poly = l.add(l.mul(poly, t), l.constant(-0.284496736f));
        poly = l.add(l.mul(poly, t), l.constant(0.254829592f));
        poly = l.mul(poly, t);
        V tail = l.sub(l.constant(1f), l.mul(poly, l.exp(l.neg(x2))));
        V signed = l.select(LaneBuilder.Comparison.LT, x, l.constant(0f), l.neg(tail), tail);
        return l.select(LaneBuilder.Comparison.LT, ax, l.constant(0.5f), series, signed);
    }

    private static float c(OpParams p) {
        return p instanceof OpParams.Scalar s ? s.value() : 0f;
    }

    @Override
    public int arity() { return 1; }

    @Override
    public Shape outputShape(OpParams params, Shape... in) { return in[0]; }

    @Override
    public void forward(OpParams params, Shape[] inShapes, float[][] in, Shape outShape, float[] out) {
        run(in[0], c(params), out, outShape.size());
    }

    @Override
    public <V> V lanes(LaneBuilder<V> b, OpParams params, List<V> x) {
        return lane(b, c(params), x.get(0));
    }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> inputs, T output, T grad, boolean[] needs) {
        return Arrays.asList(needs[0] ? grad(b, c(params), inputs.get(0), output, grad) : null);
    }
}
