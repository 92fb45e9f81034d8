package org.jitgrad.nn;

import org.jitgrad.autograd.Eager;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.LossOp;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;

/** Loss functions, each a scalar mean over the batch. */
public final class Losses {
    private Losses() {}

    /**
     * Mean squared error {@code mean((pred - target)²)} over all elements, as PyTorch's {@code mse_loss}.
     *
     * @return a scalar; the target gets a gradient too if it tracks one
     * @throws ShapeException if the shapes differ (no broadcasting here: it would hide a mistake)
     */
    public static Tensor mse(Tensor pred, Tensor target) {
        if (!pred.shape().equals(target.shape())) {
            throw new ShapeException("mse: prediction " + pred.shape() + " and target " + target.shape() + " must have one shape");
        }
        Tensor d = pred.sub(target);
        return d.mul(d).mean();
    }

    /**
     * Softmax cross-entropy, fused with the log-softmax: {@code logits [batch, classes]}, {@code labels
     * [batch]} holding class indices. Stable for large logits; gradient {@code (softmax - onehot)/batch}.
     *
     * @param logits unnormalized scores {@code [batch, classes]}, both at least 1
     * @param labels {@code [batch]}, integral class indices stored as floats; they get no gradient
     * @return the mean loss over the batch, a scalar
     * @throws ShapeException           for other shapes
     * @throws IllegalArgumentException if a label is not an integral value in {@code [0, classes)}
     */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return Eager.apply(LossOp.CROSS_ENTROPY, OpParams.NONE, logits, labels);
    }
}
