package org.jitgrad.ops;

import java.util.List;
import org.jitgrad.kernels.GradKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * The backward forms of the activations, {@code (g, y) -> g·f'(x)} written in terms of the forward
 * output {@code y}. They appear only in backward graphs; differentiating them again is not supported.
 */
public enum GradOp implements Op {
    TANH_GRAD {
        void run(float[] g, float[] y, float[] out, int n) { GradKernels.tanhGrad(g, y, out, n); }
    },
    SIGMOID_GRAD {
        void run(float[] g, float[] y, float[] out, int n) { GradKernels.sigmoidGrad(g, y, out, n); }
    },
    RELU_GRAD {
        void run(float[] g, float[] y, float[] out, int n) { GradKernels.reluGrad(g, y, out, n); }
    };

    abstract void run(float[] g, float[] y, float[] out, int n);

    @Override
    public int arity() { return 2; }

    @Override
    public Shape outputShape(Attrs attrs, Shape... in) {
        if (!in[0].equals(in[1])) {
            throw new ShapeException(name() + ": gradient " + in[0] + " and output " + in[1] + " must have one shape");
        }
        return in[0];
    }

    @Override
    public void forward(Attrs attrs, Shape[] inShapes, float[][] in, Shape outShape, float[] out) {
        run(in[0], in[1], out, outShape.size());
    }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, Attrs attrs, List<T> inputs, T output, T grad, boolean[] needs) {
        throw new UnsupportedOperationException(name() + ": second-order gradients are not supported");
    }

}
