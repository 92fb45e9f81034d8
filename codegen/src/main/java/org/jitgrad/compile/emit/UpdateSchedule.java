package org.jitgrad.compile.emit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** The first step with updates after it, where the optimizer's step begins; -1 when every update is at the end. */
    private final int firstStep;

    private UpdateSchedule(Map<Integer, List<IrNode>> afterStep, List<IrNode> atEnd) {
        this.afterStep = afterStep;
        this.atEnd = atEnd;
        this.firstStep = afterStep.keySet().stream().mapToInt(Integer::intValue).min().orElse(-1);
    }

    /** The schedule of {@code program}'s fused updates (empty when it has none). */
    static UpdateSchedule of(Program program) {
        Map<Integer, List<IrNode>> afterStep = new HashMap<>();
        List<IrNode> atEnd = new ArrayList<>();
        if (!program.fusedOptimizer()) return new UpdateSchedule(afterStep, atEnd);
        BufferPlan plan = program.plan();
        Set<IrNode> copiedIn = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int[] copy : plan.gradientCopies()) copiedIn.add(program.graph().params().get(copy[1]));
        Map<Buffer, Integer> lastTouch = lastTouches(program.steps(), plan);
        for (IrNode p : program.graph().params()) {
            if (program.optimizerIndex()[p.slot()] < 0 || !program.graph().gradients().containsKey(p)) continue;
            int last = program.clipping() || copiedIn.contains(p) ? -1
                    : Math.max(lastTouch.getOrDefault(new Buffer(Buffer.Kind.PARAM, p.slot()), -1),
                               lastTouch.getOrDefault(new Buffer(Buffer.Kind.GRAD, p.slot()), -1));
            if (last < 0) {
                atEnd.add(p);
            } else {
                afterStep.computeIfAbsent(last, s -> new ArrayList<>()).add(p);
            }
        }
        return new UpdateSchedule(afterStep, atEnd);
    }

    /** For every buffer a step reads or writes, the index of the last such step. */
    private static Map<Buffer, Integer> lastTouches(List<Step> steps, BufferPlan plan) {
        Map<Buffer, Integer> last = new HashMap<>();
        for (int s = 0; s < steps.size(); s++) {
            for (IrNode n : steps.get(s).reads()) last.put(plan.of(n), s);
            for (IrNode n : steps.get(s).outputs()) last.put(plan.of(n), s);
        }
        return last;
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
