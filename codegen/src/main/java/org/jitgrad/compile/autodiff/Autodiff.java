package org.jitgrad.compile.autodiff;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.ops.BinaryOp;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.Shape;

/**
 * Reverse-mode differentiation of an IR graph: appends the backward graph, built from each op's
 * gradient rule (the same rules the tape uses), with a sum where a value feeds several ops. Only
 * values that lead to a parameter get a gradient, so inputs and the first layer's input are pruned.
 */
public final class Autodiff {
    private Autodiff() {}

    /** Differentiates {@code graph.output()} (a one-element value) with respect to every parameter. */
    public static void differentiate(Graph graph) {
        differentiate(graph, true);
    }

    /**
     * Like {@link #differentiate(Graph)}; with {@code fold} false, ops on the seed gradient (the
     * {@code 1/n} of a mean, say) stay ops instead of being evaluated into constants, so that a value
     * that depends on a dynamic size is computed from the op's parameters at run time.
     */
    public static void differentiate(Graph graph, boolean fold) {
        IrNode loss = graph.output();
        Set<IrNode> needsGrad = Collections.newSetFromMap(new IdentityHashMap<>());
        List<IrNode> forward = new ArrayList<>(graph.nodes());
        for (IrNode n : forward) {
            if (n.kind() == IrNode.Kind.PARAM) needsGrad.add(n);
            if (n.kind() == IrNode.Kind.OP && !n.op().hasGradient()) continue;
            for (IrNode in : n.inputs()) if (needsGrad.contains(in)) needsGrad.add(n);
        }
        Map<IrNode, IrNode> grads = new IdentityHashMap<>();
        Map<IrNode, List<IrNode>> placements = new IdentityHashMap<>();
        if (!needsGrad.contains(loss)) return;
        grads.put(loss, graph.addOwnedConst(loss.shape(), onesLike(loss.shape())));
        IrGradBuilder builder = new IrGradBuilder(graph, fold);
        for (int i = forward.size() - 1; i >= 0; i--) {
            IrNode node = forward.get(i);
            if (node.kind() != IrNode.Kind.OP) continue;
            IrNode g = finalGradient(graph, node, grads, placements);
            if (g == null) continue;
            boolean[] needs = new boolean[node.inputs().size()];
            for (int k = 0; k < needs.length; k++) needs[k] = needsGrad.contains(node.input(k));
            List<IrNode> inputGrads = node.op().backward(builder, node.params(), node.inputs(), node, g, needs);
            for (int k = 0; k < needs.length; k++) {
                IrNode gk = inputGrads.get(k);
                if (!needs[k] || gk == null) continue;
                IrNode in = node.input(k);
                IrNode previous = grads.get(in);
                grads.put(in, previous == null ? gk : graph.addOp(BinaryOp.ADD, OpParams.NONE, List.of(previous, gk)));
                trackPlacement(in, previous == null, gk, placements);
            }
        }
        for (IrNode p : graph.params()) {
            IrNode g = finalGradient(graph, p, grads, placements);
            if (g != null) graph.setGradient(p, g);
        }
    }

    /**
     * Keeps, for each value, its gradient contributions while every one is a zero-padded slice gradient, so that
     * {@link SliceGradients} can join them instead of summing them.
     */
    private static void trackPlacement(IrNode in, boolean first, IrNode gk, Map<IrNode, List<IrNode>> placements) {
        List<IrNode> own = placements.get(in);
        if (SliceGradients.isPlacement(gk) && (first || own != null)) {
            if (own == null) placements.put(in, own = new ArrayList<>());
            own.add(gk);
        } else {
            placements.remove(in);
        }
    }

    /** The summed gradient of {@code node}, or one concatenation where its contributions tile an axis; null if none. */
    private static IrNode finalGradient(Graph graph, IrNode node, Map<IrNode, IrNode> grads,
                                        Map<IrNode, List<IrNode>> placements) {
        IrNode joined = SliceGradients.joined(graph, placements.remove(node));
        if (joined != null) grads.put(node, joined);
        return grads.get(node);
    }

    private static float[] onesLike(Shape s) {
        float[] ones = new float[s.size()];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }
}
