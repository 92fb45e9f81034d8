package org.jitgrad.compile.passes;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.kernels.Triangular;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.SoftmaxOp;
import org.jitgrad.ops.UnaryOp;
import org.jitgrad.ops.WhereOp;

/**
 * Finds the causal structure of attention's square products ({@link Triangular}): values that are zero above the
 * diagonal of their last two axes, and products of which only the part on and below it is used. The facts start at a
 * constant mask that is 1 exactly above the diagonal: {@code where(mask, 0, x)} is zero there, {@code where(mask,
 * -inf, x)} is -inf there and its softmax along the last axis zero; a softmax gradient {@code softmax_grad(p, g)} is
 * zero wherever {@code p} is; scaling keeps all three. A product's value is used only on and below the diagonal when
 * each reader is such a {@code where} (reading it as the value the mask replaces), a scaling whose value is in turn
 * used so, or a softmax gradient whose probabilities are zero above the diagonal (the product's zeros there are then
 * multiplied by zeros).
 */
final class TriangularZeros {
    private final Map<IrNode, List<IrNode>> consumers;
    private final Set<IrNode> leaving;
    private final Map<IrNode, Boolean> zeroAbove = new IdentityHashMap<>();

    /** @param leaving the values that leave the graph (its output and the gradients) */
    TriangularZeros(Graph graph, Set<IrNode> leaving) {
        this.consumers = graph.consumers();
        this.leaving = leaving;
    }

    /** What the square product {@code mm} may skip. */
    Triangular of(IrNode mm) {
        int r = mm.shape().rank();
        OpParams.Transposes t = (OpParams.Transposes) mm.params();
        IrNode a = mm.input(0);
        int m = mm.shape().dim(r - 2), n = mm.shape().dim(r - 1), k = a.shape().dim(t.transA() ? r - 2 : r - 1);
        if (m == k && zeroAbove(a)) return t.transA() ? Triangular.UPPER_A : Triangular.LOWER_A;
        if (m == n && usedOnlyBelow(mm)) return Triangular.LOWER_RESULT;
        return Triangular.NONE;
    }

    /** Whether {@code x[.., i, j] == 0} for every {@code j > i}. */
    private boolean zeroAbove(IrNode x) {
        Boolean known = zeroAbove.get(x);
        if (known != null) return known;
        boolean z = x.kind() == IrNode.Kind.OP && (
                x.is(SoftmaxOp.SOFTMAX) && alongLastAxis(x) && minusInfinityAbove(x.input(0))
                || x.is(SoftmaxOp.SOFTMAX_GRAD) && alongLastAxis(x) && zeroAbove(x.input(0))
                || x.is(WhereOp.WHERE) && isUpperMask(x.input(0), x) && isScalar(x.input(1), 0f)
                || isScaling(x) && zeroAbove(x.input(0)));
        zeroAbove.put(x, z);
        return z;
    }

    private boolean minusInfinityAbove(IrNode x) {
        return x.kind() == IrNode.Kind.OP && (
                x.is(WhereOp.WHERE) && isUpperMask(x.input(0), x) && isScalar(x.input(1), Float.NEGATIVE_INFINITY)
                || x.is(UnaryOp.SCALE) && scale(x) > 0 && minusInfinityAbove(x.input(0)));
    }

    /** Whether every reader of {@code x} ignores its elements above the diagonal (see the class comment). */
    private boolean usedOnlyBelow(IrNode x) {
        List<IrNode> readers = consumers.getOrDefault(x, List.of());
        if (leaving.contains(x) || readers.isEmpty()) return false;
        for (IrNode c : readers) {
            boolean ignores = c.is(WhereOp.WHERE) && c.input(2) == x && c.input(0) != x && c.input(1) != x
                    && isUpperMask(c.input(0), c)
                    || isScaling(c) && usedOnlyBelow(c)
                    || c.is(SoftmaxOp.SOFTMAX_GRAD) && alongLastAxis(c) && c.input(1) == x && c.input(0) != x
                    && zeroAbove(c.input(0));
            if (!ignores) return false;
        }
        return true;
    }

    private static boolean isScaling(IrNode x) {
        return x.is(UnaryOp.NEG) || x.is(UnaryOp.SCALE) && Float.isFinite(scale(x));
    }

    private static float scale(IrNode x) {
        return ((OpParams.Scalar) x.params()).value();
    }

    private static boolean alongLastAxis(IrNode x) {
        return x.params() instanceof OpParams.Axis a && a.axis() == x.shape().rank() - 1;
    }

    /** A constant {@code [.., t, t]} (leading axes 1) that is non-zero exactly above the diagonal of {@code of}'s. */
    static boolean isUpperMask(IrNode mask, IrNode of) {
        int r = of.shape().rank();
        if (mask.kind() != IrNode.Kind.CONST || r < 2 || mask.shape().rank() < 2) return false;
        int t = of.shape().dim(r - 1);
        int mr = mask.shape().rank();
        if (of.shape().dim(r - 2) != t || mask.shape().dim(mr - 1) != t || mask.shape().dim(mr - 2) != t
                || mask.shape().size() != t * t) {
            return false;
        }
        float[] v = mask.constant();
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) if ((v[i * t + j] != 0f) != (j > i)) return false;
        }
        return true;
    }

    static boolean isScalar(IrNode x, float value) {
        return x.kind() == IrNode.Kind.CONST && x.shape().size() == 1 && x.constant()[0] == value;
    }
}
