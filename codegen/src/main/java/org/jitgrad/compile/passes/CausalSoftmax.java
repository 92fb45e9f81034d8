package org.jitgrad.compile.passes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.kernels.SoftmaxKernels;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.SoftmaxOp;
import org.jitgrad.ops.UnaryOp;
import org.jitgrad.ops.WhereOp;

/**
 * Causal attention's masked softmax and its gradient as single kernel calls: the loop {@code where(mask, -inf,
 * scale·s)} and the softmax kernel after it become a {@link CausalSoftmaxStep}; the softmax gradient of those
 * probabilities and the loop {@code scale·where(mask, 0, ·)} after it a {@link CausalSoftmaxGradStep}. The mask must be
 * the constant that is 1 exactly above the diagonal ({@link TriangularZeros#isUpperMask}), the scale positive and
 * finite, the intermediates read by nothing else, and the rows whole vectors ({@code SoftmaxKernels.causalFits}); the
 * values are the unfused steps' bits. A measured fast path of the compiler (the tape runs the composite).
 */
public final class CausalSoftmax {
    private CausalSoftmax() {}

    /** {@code steps} with each matching pair of steps replaced by one. */
    public static List<Step> run(Graph graph, List<Step> steps) {
        Map<IrNode, Integer> readers = new IdentityHashMap<>();
        for (Step s : steps) for (IrNode r : s.reads()) readers.merge(r, 1, Integer::sum);
        Set<IrNode> leaving = Collections.newSetFromMap(new IdentityHashMap<>());
        leaving.addAll(graph.roots());
        Set<IrNode> causalProbabilities = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Step> out = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            Step next = i + 1 < steps.size() ? steps.get(i + 1) : null;
            Step fused = next == null ? null : forward(s, next, readers, leaving);
            if (fused == null && next != null) fused = backward(s, next, readers, leaving, causalProbabilities);
            if (fused != null) {
                if (fused instanceof CausalSoftmaxStep f) causalProbabilities.add(f.softmax());
                out.add(fused);
                i++;
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** {@code where(mask, -inf, scale·s)} in a loop of its own, then its softmax along the last axis. */
    private static CausalSoftmaxStep forward(Step first, Step second, Map<IrNode, Integer> readers, Set<IrNode> leaving) {
        if (!(first instanceof FusedLoop loop) || !(second instanceof KernelStep k)) return null;
        IrNode softmax = k.node();
        if (!softmax.is(SoftmaxOp.SOFTMAX) || !alongLastAxis(softmax) || loop.members().size() != 2
                || !loop.extraOutputs().isEmpty() || loop.columnSum() != null) return null;
        IrNode scaled = loop.members().get(0), masked = loop.root();
        if (softmax.input(0) != masked || readers.getOrDefault(masked, 0) != 1 || leaving.contains(masked)
                || !masked.is(WhereOp.WHERE) || masked.input(2) != scaled
                || !TriangularZeros.isUpperMask(masked.input(0), masked)
                || !TriangularZeros.isScalar(masked.input(1), Float.NEGATIVE_INFINITY)
                || !scaled.is(UnaryOp.SCALE) || !scaled.input(0).shape().equals(masked.shape())) return null;
        float c = ((OpParams.Scalar) scaled.params()).value();
        int t = masked.shape().lastDim();
        if (!(c > 0) || !Float.isFinite(c) || !SoftmaxKernels.causalFits(t)) return null;
        return new CausalSoftmaxStep(scaled.input(0), c, softmax);
    }

    /** {@code softmax_grad(p, g)} of causal probabilities, then {@code scale·where(mask, 0, ·)} in a loop of its own. */
    private static CausalSoftmaxGradStep backward(Step first, Step second, Map<IrNode, Integer> readers,
                                                  Set<IrNode> leaving, Set<IrNode> causalProbabilities) {
        if (!(first instanceof KernelStep k) || !(second instanceof FusedLoop loop)) return null;
        IrNode grad = k.node();
        if (!grad.is(SoftmaxOp.SOFTMAX_GRAD) || !alongLastAxis(grad) || !causalProbabilities.contains(grad.input(0))
                || grad.input(1) == grad.input(0) || readers.getOrDefault(grad, 0) != 1 || leaving.contains(grad)
                || loop.members().size() != 2 || !loop.extraOutputs().isEmpty() || loop.columnSum() != null) return null;
        IrNode masked = loop.members().get(0), result = loop.root();
        if (!masked.is(WhereOp.WHERE) || masked.input(2) != grad || !TriangularZeros.isUpperMask(masked.input(0), masked)
                || !TriangularZeros.isScalar(masked.input(1), 0f) || !result.is(UnaryOp.SCALE)
                || result.input(0) != masked) return null;
        float c = ((OpParams.Scalar) result.params()).value();
        int t = masked.shape().lastDim();
        if (!(c > 0) || !Float.isFinite(c) || !SoftmaxKernels.causalFits(t)
                || !grad.input(1).shape().equals(grad.shape())) return null;
        return new CausalSoftmaxGradStep(grad.input(0), grad.input(1), c, result);
    }

    private static boolean alongLastAxis(IrNode x) {
        return x.params() instanceof OpParams.Axis a && a.axis() == x.shape().rank() - 1;
    }
}
