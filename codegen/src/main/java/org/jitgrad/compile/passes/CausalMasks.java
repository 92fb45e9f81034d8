package org.jitgrad.compile.passes;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.kernels.Triangular;
import org.jitgrad.ops.WhereOp;

/**
 * The constants whose values a program's causal fast paths ({@link CausalSoftmax}, the triangular products of
 * {@link StridedViews}) were chosen for: the masks that are 1 exactly above the diagonal and the values they fill in.
 * The other constants are read at each call; these are assumed, so a caller that changes one in place needs another
 * program.
 */
public final class CausalMasks {
    private CausalMasks() {}

    /** The constant nodes {@code steps} relies on by value: none unless a step uses the causal structure. */
    public static List<IrNode> reliedOn(Graph graph, List<Step> steps) {
        if (!steps.stream().anyMatch(CausalMasks::usesCausalStructure)) return List.of();
        List<IrNode> constants = new ArrayList<>();
        for (IrNode n : graph.nodes()) {
            if (n.kind() != IrNode.Kind.OP || !n.is(WhereOp.WHERE) || !TriangularZeros.isUpperMask(n.input(0), n)) continue;
            for (IrNode c : List.of(n.input(0), n.input(1))) {
                if (c.kind() == IrNode.Kind.CONST && !constants.contains(c)) constants.add(c);
            }
        }
        return constants;
    }

    private static boolean usesCausalStructure(Step s) {
        return switch (s) {
            case CausalSoftmaxStep c -> true;
            case CausalSoftmaxGradStep c -> true;
            case StridedMatmulStep m -> m.structure() != Triangular.NONE;
            case FusedLoop f -> false;
            case KernelStep k -> false;
            case CrossEntropyStep c -> false;
            case MatmulStep m -> false;
        };
    }
}
