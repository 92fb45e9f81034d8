package org.jitgrad.ops;

import java.util.List;
import org.jitgrad.kernels.RandomKernels;
import org.jitgrad.tensor.RandomStream;
import org.jitgrad.tensor.Shape;

/**
 * Ops without inputs whose values come from a {@link RandomStream}. Being ops (not constants), they
 * run on every call of a compiled step, drawing anew each time.
 */
public enum RandomOp implements Op {
    /**
     * An inverted-dropout mask ({@link OpParams.BernoulliMask}): each element 0 with probability
     * {@code p}, else {@code 1/(1-p)}; all ones, drawing nothing, while the stream is disabled. Each
     * call takes the stream's next draw.
     */
    BERNOULLI_MASK;

    @Override
    public int arity() { return 0; }

    @Override
    public Shape outputShape(OpParams params, Shape... in) {
        return ((OpParams.BernoulliMask) params).shape();
    }

    @Override
    public void forward(OpParams params, Shape[] s, float[][] in, Shape os, float[] out) {
        OpParams.BernoulliMask m = (OpParams.BernoulliMask) params;
        RandomStream stream = m.stream();
        if (!stream.isEnabled()) {
            RandomKernels.keepAll(out, os.size());
        } else {
            RandomKernels.bernoulliMask(stream.seed(), stream.nextDraw(), m.p(), out, os.size());
        }
    }

    /** No inputs, so no gradients; the gradient of the masked tensor flows through the multiplication. */
    @Override
    public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> inputs, T output, T grad, boolean[] needs) {
        return List.of();
    }
}
