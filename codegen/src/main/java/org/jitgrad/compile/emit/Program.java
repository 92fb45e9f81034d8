package org.jitgrad.compile.emit;

import java.util.List;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.compile.plan.BufferPlan;

/**
 * Everything the class emitter needs: the graph, its steps in order, the buffer plan, for a fused
 * optimizer the optimizer index of each traced parameter (-1: not managed by the optimizer), and for
 * fused gradient clipping the parameter slots whose gradients are clipped together.
 *
 * @param training        whether gradients (and updates) are computed, or only the output
 * @param optimizerIndex  per parameter slot, or null when no optimizer is fused
 * @param clippedSlots    parameter slots in the order their squares are summed, or null when no
 *                        clipping is fused
 * @param extents         where the sizes come from: {@link Extents#FIXED}, or the size table of a
 *                        program with a dynamic dimension
 */
public record Program(Graph graph, List<Step> steps, BufferPlan plan, boolean training, int[] optimizerIndex,
                      int[] clippedSlots, Extents extents) {
    /** A program of one shape: every size a constant. */
    public Program(Graph graph, List<Step> steps, BufferPlan plan, boolean training, int[] optimizerIndex,
                   int[] clippedSlots) {
        this(graph, steps, plan, training, optimizerIndex, clippedSlots, Extents.FIXED);
    }

    /** A program of one shape without fused clipping. */
    public Program(Graph graph, List<Step> steps, BufferPlan plan, boolean training, int[] optimizerIndex) {
        this(graph, steps, plan, training, optimizerIndex, null);
    }

    /** Whether the optimizer update is part of the program. */
    public boolean fusedOptimizer() {
        return optimizerIndex != null;
    }

    /** Whether gradient clipping by total norm is part of the program (before any fused update). */
    public boolean clipping() {
        return clippedSlots != null;
    }
}
