package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.SoftmaxKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/** Softmax and log-softmax along {@code attrs.axis()}, and their backward forms {@code (y, g) -> dx}. */
public enum SoftmaxOp implements Op {
    /** Softmax along the axis; a slice entirely {@code -Infinity} gives zeros. */
    SOFTMAX {
        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int ax = ax(a);
            SoftmaxKernels.softmax(in[0], s[0].outer(ax), s[0].dim(ax), s[0].inner(ax), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.apply(SOFTMAX_GRAD, a, y, g));
        }
    },
    /** Log-softmax along the axis. */
    LOG_SOFTMAX {
        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int ax = ax(a);
            SoftmaxKernels.logSoftmax(in[0], s[0].outer(ax), s[0].dim(ax), s[0].inner(ax), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.apply(LOG_SOFTMAX_GRAD, a, y, g));
        }
    },
    /** {@code (y, g) -> y·(g - Σ g·y)}. */
    SOFTMAX_GRAD {
        @Override
        public int arity() { return 2; }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int ax = ax(a);
            SoftmaxKernels.softmaxGrad(in[0], in[1], s[0].outer(ax), s[0].dim(ax), s[0].inner(ax), out);
        }
    },
    /** {@code (y, g) -> g - exp(y)·Σ g}. */
    LOG_SOFTMAX_GRAD {
        @Override
        public int arity() { return 2; }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int ax = ax(a);
            SoftmaxKernels.logSoftmaxGrad(in[0], in[1], s[0].outer(ax), s[0].dim(ax), s[0].inner(ax), out);
        }
    };

    @Override
    public int arity() { return 1; }

    @Override
    public Shape outputShape(OpParams a, Shape... in) {
        in[0].normalizeAxis(ax(a));
        if (in.length > 1 && !in[0].equals(in[1])) {
            throw new ShapeException(name() + ": output " + in[0] + " and gradient " + in[1] + " must have one shape");
        }
        return in[0];
    }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
        throw new UnsupportedOperationException(name() + ": second-order gradients are not supported");
    }

    static int ax(OpParams p) { return ((OpParams.Axis) p).axis(); }

    static boolean keep(OpParams p) { return ((OpParams.Axis) p).keepDim(); }
}
