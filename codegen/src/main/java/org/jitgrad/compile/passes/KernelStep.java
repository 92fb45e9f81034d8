package org.jitgrad.compile.passes;

import java.util.List;
import org.jitgrad.compile.ir.IrNode;

/** One op run by its shared runtime kernel (matmul, reductions, softmax, ...). */
public record KernelStep(IrNode node) implements Step {
    @Override
    public List<IrNode> outputs() { return List.of(node); }

    @Override
    public List<IrNode> reads() { return node.inputs(); }

    @Override
    public String describe() { return "kernel " + node; }
}
