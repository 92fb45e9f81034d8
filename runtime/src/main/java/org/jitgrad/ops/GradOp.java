package org.jitgrad.ops;

import java.util.List;
import org.jitgrad.kernels.GradKernels;
import org.jitgrad.kernels.UnaryKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * The backward forms of the activations, {@code (g, v) -> g·f'(x)}: {@code v} is the forward output {@code y} for
 * tanh, sigmoid and ReLU (whose derivatives are functions of it), the input {@code x} for GELU. They appear only in
 * backward graphs; differentiating them again is not supported.
 */
public enum GradOp implements ElementwiseOp {
    /** {@code g·(1 - y²)} from tanh's output y. */
    TANH_GRAD {
        void run(float[] g, float[] y, float[] out, int n) { GradKernels.tanhGrad(g, y, out, n); }
        <V> V lane(LaneBuilder<V> l, V g, V y) { return l.mul(g, l.add(l.neg(l.mul(y, y)), l.constant(1f))); }
    },
    /** {@code g·y·(1 - y)} from the sigmoid's output y. */
    SIGMOID_GRAD {
        void run(float[] g, float[] y, float[] out, int n) { GradKernels.sigmoidGrad(g, y, out, n); }
        <V> V lane(LaneBuilder<V> l, V g, V y) { return l.mul(l.mul(g, y), l.add(l.neg(y), l.constant(1f))); }
    },
    /** {@code g·(Φ(x) + x·φ(x))} from GELU's input x: {@code Φ(x) = (1 + erf(x/√2))/2}, {@code φ(x) = exp(-x²/2)/√(2π)}. */
    GELU_GRAD {
        void run(float[] g, float[] x, float[] out, int n) { GradKernels.geluGrad(g, x, out, n); }
        <V> V lane(LaneBuilder<V> l, V g, V x) {
            V u = l.mul(x, l.constant(UnaryKernels.INV_SQRT2));
            V cdf = l.mul(l.add(UnaryOp.erf(l, u), l.constant(1f)), l.constant(0.5f));
            V pdf = l.mul(l.exp(l.neg(l.mul(u, u))), l.constant(UnaryKernels.INV_SQRT_2PI));
            return l.mul(g, l.add(cdf, l.mul(x, pdf)));
        }
    },
    /** {@code y > 0 ? g : 0} from ReLU's output y. */
    RELU_GRAD {
        void run(float[] g, float[] y, float[] out, int n) { GradKernels.reluGrad(g, y, out, n); }
        <V> V lane(LaneBuilder<V> l, V g, V y) {
            return l.select(LaneBuilder.Comparison.GT, y, l.constant(0f), g, l.constant(0f));
        }
    };

    abstract void run(float[] g, float[] y, float[] out, int n);

    abstract <V> V lane(LaneBuilder<V> l, V g, V y);

    @Override
    public int arity() { return 2; }

    @Override
    public Shape outputShape(OpParams params, Shape... in) {
        if (!in[0].equals(in[1])) {
            throw new ShapeException(name() + ": gradient " + in[0] + " and output " + in[1] + " must have one shape");
        }
        return in[0];
    }

    @Override
    public void forward(OpParams params, Shape[] inShapes, float[][] in, Shape outShape, float[] out) {
        run(in[0], in[1], out, outShape.size());
    }

    @Override
    public <V> V lanes(LaneBuilder<V> b, OpParams params, List<V> x) {
        return lane(b, x.get(0), x.get(1));
    }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> inputs, T output, T grad, boolean[] needs) {
        throw new UnsupportedOperationException(name() + ": second-order gradients are not supported");
    }
}
