package org.jitgrad.compile.passes;

import java.util.List;
import org.jitgrad.compile.ir.IrNode;

/**
 * The backward of {@link CausalSoftmaxStep}, {@code scale·where(mask, 0, softmax_grad(p, g))}, as one kernel call
 * ({@code SoftmaxKernels.causalSoftmaxGrad}) reading each row only up to its diagonal. {@code result} is the value
 * stored.
 */
public record CausalSoftmaxGradStep(IrNode probabilities, IrNode grad, float scale, IrNode result) implements Step {
    @Override
    public List<IrNode> outputs() { return List.of(result); }

    @Override
    public List<IrNode> reads() { return List.of(probabilities, grad); }

    @Override
    public String describe() {
        return "causal softmax grad " + result.ref() + " = " + scale + " · causal(softmax_grad(" + probabilities.ref()
                + ", " + grad.ref() + ")) : " + result.shape();
    }
}
