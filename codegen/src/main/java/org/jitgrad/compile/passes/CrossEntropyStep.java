package org.jitgrad.compile.passes;

import java.util.List;
import org.jitgrad.compile.ir.IrNode;

/**
 * Softmax cross-entropy forward and backward in one pass over the logits: the loss and its gradient
 * {@code (softmax - onehot)·g/batch}, where {@code g} is a constant upstream gradient.
 */
public record CrossEntropyStep(IrNode loss, IrNode grad) implements Step {
    @Override
    public List<IrNode> outputs() { return List.of(loss, grad); }

    @Override
    public List<IrNode> reads() { return grad.inputs(); }

    @Override
    public String describe() {
        return "fused cross-entropy " + loss.ref() + ", " + grad.ref() + " = crossEntropy+grad(" + grad.input(0).ref()
                + ", " + grad.input(1).ref() + ", " + grad.input(2).ref() + ")";
    }
}
