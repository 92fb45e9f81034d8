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
        if (!needsGrad.contains(loss)) return;
        grads.put(loss, graph.addOwnedConst(loss.shape(), onesLike(loss.shape())));
        IrGradBuilder builder = new IrGradBuilder(graph, fold);
        for (int i = forward.size() - 1; i >= 0; i--) {
            IrNode node = forward.get(i);
            IrNode g = grads.get(node);
            if (g == null || node.kind() != IrNode.Kind.OP) continue;
            boolean[] needs = new boolean[node.inputs().size()];
            for (int k = 0; k < needs.length; k++) needs[k] = needsGrad.contains(node.input(k));
            List<IrNode> inputGrads = node.op().backward(builder, node.params(), node.inputs(), node, g, needs);
            for (int k = 0; k < needs.length; k++) {
                IrNode gk = inputGrads.get(k);
                if (!needs[k] || gk == null) continue;
                IrNode in = node.input(k);
                IrNode previous = grads.get(in);
                grads.put(in, previous == null ? gk : graph.addOp(BinaryOp.ADD, OpParams.NONE, List.of(previous, gk)));
            }
        }
        for (IrNode p : graph.params()) {
            IrNode g = grads.get(p);
            if (g != null) graph.setGradient(p, g);
        }
    }

    private static float[] onesLike(Shape s) {
        float[] ones = new float[s.size()];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }
}
