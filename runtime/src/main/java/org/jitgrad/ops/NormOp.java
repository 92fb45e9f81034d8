package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.NormKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * Normalization over the last axis, the core of layer norm: {@code x̂ = (x - mean)/sqrt(var + eps)} with the biased
 * variance ({@code params}: {@link OpParams.Scalar} eps), and its backward form {@code (x, g) -> dx}. Layer norm's
 * weight and bias stay elementwise ops around it, which the compiler fuses into loops. One op instead of the
 * composition of primitives because a profile of the GPT step said it pays: see {@link NormKernels}.
 */
public enum NormOp implements Op {
    /** {@code (x - mean)/sqrt(var + eps)} over the last axis. */
    NORMALIZE {
        @Override
        public int arity() { return 1; }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int len = s[0].lastDim();
            NormKernels.normalize(in[0], s[0].size() / len, len, eps(a), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.apply(NORMALIZE_GRAD, a, x.get(0), g));
        }
    },
    /** {@code (x, g) -> rstd·(g - mean(g) - x̂·mean(g·x̂))}, row by row. */
    NORMALIZE_GRAD {
        @Override
        public int arity() { return 2; }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int len = s[0].lastDim();
            NormKernels.normalizeGrad(in[0], in[1], s[0].size() / len, len, eps(a), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            throw new UnsupportedOperationException(name() + ": second-order gradients are not supported");
        }
    };

    @Override
    public Shape outputShape(OpParams a, Shape... in) {
        if (in[0].rank() == 0 || in[0].lastDim() == 0) {
            throw new ShapeException(name() + ": needs a last axis with at least one element, got " + in[0]);
        }
        if (!(eps(a) >= 0)) throw new IllegalArgumentException(name() + ": eps must be >= 0, got " + eps(a));
        if (in.length > 1 && !in[0].equals(in[1])) {
            throw new ShapeException(name() + ": input " + in[0] + " and gradient " + in[1] + " must have one shape");
        }
        return in[0];
    }

    static float eps(OpParams p) { return ((OpParams.Scalar) p).value(); }
}
