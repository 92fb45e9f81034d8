package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.UnaryKernels;
import org.jitgrad.tensor.Shape;

/** Elementwise one-input ops. Each constant: its kernel, its lane rule, then its local gradient. */
public enum UnaryOp implements ElementwiseOp {
    /** {@code -x}. */
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
    /** {@code e^x}; its gradient uses the output. */
    EXP {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.exp(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.exp(x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.mul(g, y); }
    },
    /** The natural logarithm. */
    LOG {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.log(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.log(x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.div(g, x); }
    },
    /** The square root; its gradient uses the output. */
    SQRT {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.sqrt(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.sqrt(x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.div(b.scale(g, 0.5f), y); }
    },
    /**
     * tanh, as the rational function of {@link #tanh(LaneBuilder, Object)} (absolute error below 5e-7, never beyond
     * ±1); its gradient {@code 1 - y²} uses the output.
     */
    TANH {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.tanh(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return tanh(l, x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.apply(GradOp.TANH_GRAD, OpParams.NONE, g, y); }
    },
    /** The logistic function {@code 1/(1 + e^-x)}; its gradient {@code y·(1 - y)} uses the output. */
    SIGMOID {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.sigmoid(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return l.div(l.constant(1f), l.add(l.exp(l.neg(x)), l.constant(1f))); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.apply(GradOp.SIGMOID_GRAD, OpParams.NONE, g, y); }
    },
    /** {@code max(x, 0)}; the gradient passes where the output is positive. */
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
        /** {@code p·x^(p-1)}; for {@code p = 0} zero, as PyTorch's, not {@code 0·0^-1 = NaN} at {@code x = 0}. */
        <T> T grad(GradBuilder<T> b, float p, T x, T y, T g) {
            return p == 0f ? b.scale(g, 0f) : b.mul(g, b.scale(b.pow(x, p - 1f), p));
        }
    },
    /**
     * The error function, as the rational function of {@link #erf(LaneBuilder, Object)} (absolute error below 4e-7);
     * its derivative {@code 2/√π·exp(-x²)} is exact.
     */
    ERF {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.erf(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) { return erf(l, x); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) {
            return b.mul(g, b.scale(b.apply(EXP, OpParams.NONE, b.neg(b.mul(x, x))), UnaryKernels.TWO_OVER_SQRT_PI));
        }
    },
    /**
     * GELU, exact: {@code x·Φ(x) = x·(1 + erf(x/√2))/2} (PyTorch's default). One op rather than a composite of
     * scale, erf, add and mul, so that its backward ({@link GradOp#GELU_GRAD}) reads only its input: the composite's
     * backward read three stored tensors (the input, {@code x/√2} and {@code 1 + erf}), and the GPT step's GELU loops
     * were bound by those streams (benchmarks/GEMM_RESULTS.md, 2026-12-07 05:5x).
     */
    GELU {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.gelu(x, y, n); }
        <V> V lane(LaneBuilder<V> l, float c, V x) {
            V cdf2 = l.add(erf(l, l.mul(x, l.constant(UnaryKernels.INV_SQRT2))), l.constant(1f));
            return l.mul(l.mul(x, cdf2), l.constant(0.5f));
        }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.apply(GradOp.GELU_GRAD, OpParams.NONE, g, x); }
    };

    abstract void run(float[] x, float c, float[] y, int n);

    abstract <V> V lane(LaneBuilder<V> l, float c, V x);

    abstract <T> T grad(GradBuilder<T> b, float c, T x, T y, T g);

    /**
     * erf as a lane rule: the formula of the compiler's loops, and of the tape's kernels ({@code UnaryKernels.erf},
     * which writes the same operations out; UnaryOpTest checks that the two agree bit for bit). A rational function
     * {@code x·P(x²)/Q(x²)}, P and Q of degree 5 fitted here to erf on [0, 3.92] (beyond, erf rounds to ±1 in float and
     * x is clamped); evaluated in float with each multiply and add rounded, its error stays below 4e-7 (3.53e-7, near
     * x = 3.75; UnaryOpTest), about that of the Abramowitz-Stegun form it replaced, without that form's exp, second
     * division and selects.
     */
    static <V> V erf(LaneBuilder<V> l, V x) {
        return oddRational(l, clamp(l, x, UnaryKernels.ERF_CLAMP), ERF_P, ERF_Q, false);
    }

    /**
     * tanh as a lane rule: the formula of the compiler's loops, and of the tape's kernels and the GEMM's epilogue
     * ({@code UnaryKernels.tanh}, the same operations written out; UnaryOpTest checks that they agree bit for bit). A
     * rational function {@code x·P(x²)/Q(x²)}, P and Q of degree 4, fitted here to tanh on [0, 9] (beyond, tanh rounds
     * to ±1 in float and x is clamped), P and Q evaluated by fused multiply-adds (erf keeps them apart, see
     * {@code UnaryKernels.erfLoop}); its error stays below 5e-7 (3.34e-7 at x = 8.49 over every float in [0, 9.5],
     * 2.8 ulps of 1; UnaryOpTest checks a grid), and the result is clamped to [-1, 1]. Unlike the JDK's vector tanh,
     * which it replaced, every JIT tier computes it alike (the interpreter's {@code fma} is {@code Math.fma}, exact as
     * the instruction), and it is faster (benchmarks/RESULTS.md).
     */
    static <V> V tanh(LaneBuilder<V> l, V x) {
        return clamp(l, oddRational(l, clamp(l, x, UnaryKernels.TANH_CLAMP), TANH_P, TANH_Q, true), 1f);
    }

    /** erf's and tanh's coefficients ({@code UnaryKernels}), constant term first. */
    private static final float[] ERF_P = {UnaryKernels.ERF_P0, UnaryKernels.ERF_P1, UnaryKernels.ERF_P2,
        UnaryKernels.ERF_P3, UnaryKernels.ERF_P4, UnaryKernels.ERF_P5};
    private static final float[] ERF_Q = {UnaryKernels.ERF_Q0, UnaryKernels.ERF_Q1, UnaryKernels.ERF_Q2,
        UnaryKernels.ERF_Q3, UnaryKernels.ERF_Q4, UnaryKernels.ERF_Q5};
    private static final float[] TANH_P = {UnaryKernels.TANH_P0, UnaryKernels.TANH_P1, UnaryKernels.TANH_P2,
        UnaryKernels.TANH_P3, UnaryKernels.TANH_P4};
    private static final float[] TANH_Q = {UnaryKernels.TANH_Q0, UnaryKernels.TANH_Q1, UnaryKernels.TANH_Q2,
        UnaryKernels.TANH_Q3, UnaryKernels.TANH_Q4};

    /**
     * {@code x·P(x²)/Q(x²)}, P and Q by Horner's rule from their highest coefficient: the operations, in order, that
     * the kernels write out for erf and tanh.
     */
    private static <V> V oddRational(LaneBuilder<V> l, V x, float[] p, float[] q, boolean fused) {
        V z = l.mul(x, x);
        V num = horner(l, z, p, fused);
        V den = horner(l, z, q, fused);
        return l.div(l.mul(x, num), den);
    }

    /**
     * {@code c[0] + z·(c[1] + z·(...))}, from the highest coefficient down; each step one fused multiply-add
     * ({@code fused}) or a multiply and an add rounded apart.
     */
    private static <V> V horner(LaneBuilder<V> l, V z, float[] c, boolean fused) {
        V acc = l.constant(c[c.length - 1]);
        for (int i = c.length - 2; i >= 0; i--) {
            acc = fused ? l.fma(acc, z, l.constant(c[i])) : l.add(l.mul(acc, z), l.constant(c[i]));
        }
        return acc;
    }

    /**
     * {@code x} limited to {@code [-c, c]} by two selects (NaN stays NaN): the values of {@code min} and {@code max},
     * in far fewer instructions (the kernels in {@code UnaryKernels} write out the same compares and blends).
     */
    private static <V> V clamp(LaneBuilder<V> l, V x, float c) {
        V hi = l.constant(c), lo = l.constant(-c);
        V below = l.select(LaneBuilder.Comparison.GT, x, hi, hi, x);
        return l.select(LaneBuilder.Comparison.LT, below, lo, lo, below);
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
