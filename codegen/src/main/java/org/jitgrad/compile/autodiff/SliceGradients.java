package org.jitgrad.compile.autodiff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.ops.LayoutOp;
import org.jitgrad.ops.OpParams;

/**
 * The gradient of a value cut into slices that tile one axis (a fused QKV projection split into q, k and v): each
 * slice's gradient rule places its gradient in zeros ({@link LayoutOp#PAD}) and the contributions are summed, which
 * writes the whole value once per slice and reads it back. When every contribution is such a placement along the
 * same axis and together they cover it exactly once, one {@link LayoutOp#CONCAT} of the slices' gradients gives the
 * same values with one write; the placements and their sum are left dead for dead-code elimination.
 */
final class SliceGradients {
    private SliceGradients() {}

    /** Whether {@code g} is a gradient contribution that {@link #joined} can take. */
    static boolean isPlacement(IrNode g) {
        return g.kind() == IrNode.Kind.OP && g.op() == LayoutOp.PAD;
    }

    /**
     * One concatenation equal to the sum of {@code placements}, or null unless there are two or more, all along
     * the same axis of the same length, and their ranges cover that axis exactly once.
     */
    static IrNode joined(Graph graph, List<IrNode> placements) {
        if (placements == null || placements.size() < 2) return null;
        OpParams.Placement first = (OpParams.Placement) placements.get(0).params();
        List<IrNode> byStart = new ArrayList<>(placements);
        byStart.sort(Comparator.comparingInt(p -> ((OpParams.Placement) p.params()).start()));
        int next = 0;
        List<IrNode> parts = new ArrayList<>(byStart.size());
        for (IrNode p : byStart) {
            OpParams.Placement at = (OpParams.Placement) p.params();
            if (at.axis() != first.axis() || at.fullLength() != first.fullLength() || at.start() != next) return null;
            IrNode part = p.input(0);
            next += part.shape().dim(at.axis());
            parts.add(part);
        }
        if (next != first.fullLength()) return null;
        return graph.addOp(LayoutOp.CONCAT, new OpParams.Axis(first.axis(), false), parts);
    }
}
