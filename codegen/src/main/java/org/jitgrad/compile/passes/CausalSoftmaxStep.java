package org.jitgrad.compile.passes;

import java.util.List;
import org.jitgrad.compile.ir.IrNode;

/**
 * Causal attention's {@code softmax(where(mask, -inf, scale·scores))} as one kernel call
 * ({@code SoftmaxKernels.causalSoftmax}): the scaling and masking loop is gone, and each row reads and exponentiates
 * only the vectors up to its diagonal. {@code softmax} is the value stored, in {@code [t, t]} blocks
 * along its last two axes.
 */
public record CausalSoftmaxStep(IrNode scores, float scale, IrNode softmax) implements Step {
    @Override
    public List<IrNode> outputs() { return List.of(softmax); }

    @Override
    public List<IrNode> reads() { return List.of(scores); }

    @Override
    public String describe() {
        return "causal softmax " + softmax.ref() + " = softmax(causal(" + scores.ref() + " · " + scale + ")) : "
                + softmax.shape();
    }
}
