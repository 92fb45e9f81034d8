package org.jitgrad.compile.trace;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.ops.LayoutOp;
import org.jitgrad.ops.LinalgOp;
import org.jitgrad.ops.Op;
import org.jitgrad.ops.OpParams;

/**
 * A matrix product whose operand is a transpose of the last two axes ({@code q.matmul(k.transpose(-2, -1))} in
 * attention) or a matrix transpose ({@code x.matmul(wte.transpose())}, a tied language-model head) is recorded reading
 * the untransposed tensor with the product's transpose flag flipped. The kernels read either layout in place, or pack
 * it as they would the materialized transpose, with the same values; the transpose is never materialized, and the
 * backward products come out in the layout their consumers want ({@code dK} itself instead of {@code dKᵀ} and its
 * transpose). The transpose stays recorded for any other consumer; unused, dead-code elimination drops it.
 */
final class TransposedOperands {
    private TransposedOperands() {}

    /** An op application as it is recorded. */
    record Application(OpParams params, List<IrNode> inputs) {}

    /** {@code op(params, inputs)}, with the transposed operands of a product folded into its flags. */
    static Application fold(Op op, OpParams params, List<IrNode> inputs) {
        if (op != LinalgOp.MATMUL) return new Application(params, inputs);
        OpParams.Transposes t = (OpParams.Transposes) params;
        IrNode a = inputs.get(0), b = inputs.get(1);
        boolean foldA = swapsLastTwoAxes(a), foldB = swapsLastTwoAxes(b);
        if (!foldA && !foldB) return new Application(params, inputs);
        List<IrNode> folded = new ArrayList<>(2);
        folded.add(foldA ? a.input(0) : a);
        folded.add(foldB ? b.input(0) : b);
        return new Application(new OpParams.Transposes(t.transA() ^ foldA, t.transB() ^ foldB), folded);
    }

    /** Whether {@code n} is a matrix transpose, or a permutation that swaps the last two axes and keeps the others. */
    static boolean swapsLastTwoAxes(IrNode n) {
        if (n.kind() != IrNode.Kind.OP) return false;
        if (n.op() == LinalgOp.TRANSPOSE) return true;
        if (n.op() != LayoutOp.PERMUTE) return false;
        OpParams.Permutation p = (OpParams.Permutation) n.params();
        int rank = p.rank();
        if (rank < 2) return false;
        for (int i = 0; i < rank - 2; i++) if (p.axis(i) != i) return false;
        return p.axis(rank - 2) == rank - 1 && p.axis(rank - 1) == rank - 2;
    }
}
