package org.jitgrad.compile.passes;

import java.util.List;
import org.jitgrad.compile.ir.IrNode;

/** One unit of the compiled program: what the generated method does, in order. */
public sealed interface Step permits FusedLoop, KernelStep, CrossEntropyStep, MatmulStep, StridedMatmulStep,
        CausalSoftmaxStep, CausalSoftmaxGradStep {
    /** The values this step writes. */
    List<IrNode> outputs();

    /** The values this step reads (computed before it). */
    List<IrNode> reads();

    /** One line for listings. */
    String describe();
}
