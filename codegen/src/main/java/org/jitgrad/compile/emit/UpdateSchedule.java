package org.jitgrad.compile.emit;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.compile.plan.Buffer;
import org.jitgrad.compile.plan.BufferPlan;

/**
 * Where the fused optimizer updates each parameter: right after the last step that reads the parameter or writes its
 * gradient, while both are still in cache, instead of in one pass over every parameter at the end (a deep stack of
 * layers has its first layers' weights and gradients evicted by then). Updates stay at the end when clipping is fused
 * (the clipping factor needs every gradient first) and for a parameter whose gradient is copied in at the end.
 * Every update reads and writes only its own parameter and state, so the order does not change any result.
 */
final class UpdateSchedule {
    private final Map<Integer, List<IrNode>> afterStep;
    private final List<IrNode> atEnd;
    private final int firstStep;

    private UpdateSchedule(Map<Integer, List<IrNode>> afterStep, List<IrNode> atEnd, int firstStep) {
        this.afterStep = afterStep;
        this.atEnd = atEnd;
        this.firstStep = firstStep;
    }

    /** The schedule of {@code program}'s fused updates (empty when it has none). */
    static UpdateSchedule of(Program program) {
        Map<Integer, List<IrNode>> afterStep = new java.util.HashMap<>();
        List<IrNode> atEnd = new ArrayList<>();
        if (!program.fusedOptimizer()) return new UpdateSchedule(afterStep, atEnd, -1);
        BufferPlan plan = program.plan();
        Map<IrNode, Boolean> copiedIn = new IdentityHashMap<>();
        for (int[] copy : plan.gradientCopies()) copiedIn.put(program.graph().params().get(copy[1]), true);
        List<Step> steps = program.steps();
        int first = Integer.MAX_VALUE;
        for (IrNode p : program.graph().params()) {
            if (program.optimizerIndex()[p.slot()] < 0 || !program.graph().gradients().containsKey(p)) continue;
            int last = program.clipping() || copiedIn.containsKey(p) ? -1 : lastTouch(steps, plan, p);
            if (last < 0) {
                atEnd.add(p);
            } else {
                afterStep.computeIfAbsent(last, s -> new ArrayList<>()).add(p);
                first = Math.min(first, last);
            }
        }
        return new UpdateSchedule(afterStep, atEnd, first == Integer.MAX_VALUE ? -1 : first);
    }

    /** The last step that reads or writes {@code p}'s values or its gradient, or -1 when none does. */
    private static int lastTouch(List<Step> steps, BufferPlan plan, IrNode p) {
        Buffer values = new Buffer(Buffer.Kind.PARAM, p.slot()), gradient = new Buffer(Buffer.Kind.GRAD, p.slot());
        int last = -1;
        for (int s = 0; s < steps.size(); s++) {
            for (IrNode n : steps.get(s).reads()) if (touches(plan.of(n), values, gradient)) last = s;
            for (IrNode n : steps.get(s).outputs()) if (touches(plan.of(n), values, gradient)) last = s;
        }
        return last;
    }

    private static boolean touches(Buffer b, Buffer values, Buffer gradient) {
        return b.equals(values) || b.equals(gradient);
    }

    /** The parameters to update right after step {@code step} (global index), in slot order. */
    List<IrNode> after(int step) {
        return afterStep.getOrDefault(step, List.of());
    }

    /** Whether the optimizer's step begins right before the updates after {@code step}: the first update point. */
    boolean beginsAfter(int step) {
        return step == firstStep;
    }

    /** The parameters updated at the end of the program. */
    List<IrNode> atEnd() {
        return atEnd;
    }

    /** Whether the optimizer's step begins at the end (no update is scheduled earlier). */
    boolean beginsAtEnd() {
        return firstStep < 0;
    }
}
