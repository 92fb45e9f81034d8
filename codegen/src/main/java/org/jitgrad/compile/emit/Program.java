package org.jitgrad.compile.emit;

import java.util.List;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.compile.plan.BufferPlan;

/**
 * Everything the class emitter needs: the graph, its steps in order, the buffer plan, and for a
 * fused optimizer the optimizer index of each traced parameter (-1: not managed by the optimizer).
 *
 * @param training        whether gradients (and updates) are computed, or only the output
 * @param optimizerIndex  per parameter slot, or null when no optimizer is fused
 */
public record Program(Graph graph, List<Step> steps, BufferPlan plan, boolean training, int[] optimizerIndex) {
    /** Whether the optimizer update is part of the program. */
    public boolean fusedOptimizer() {
        return optimizerIndex != null;
    }
}
