package org.jitgrad.compile.passes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.ops.BinaryOp;
import org.jitgrad.ops.ElementwiseOp;
import org.jitgrad.ops.LinalgOp;
import org.jitgrad.ops.LossOp;
import org.jitgrad.ops.ReduceOp;
import org.jitgrad.ops.UnaryOp;

/**
 * Groups the graph into steps. Elementwise ops whose values are used only inside one group, or inside it and
 * by steps after it (the loop then stores them too), are fused into that group's vector loop (so an
 * activation's backward {@code g·(1-y²)} is computed in the loop that consumes the upstream gradient); a row
 * sum of a group's result (a bias gradient) becomes a side output of its loop; cross-entropy and its gradient
 * become one pass. Everything else is a kernel step.
 */
public final class Fusion {
    private Fusion() {}

    /**
     * Whether {@code n} can be computed lane by lane inside a fused loop: an {@link ElementwiseOp} each of
     * whose inputs can be read in one of the loop's {@link FusedLoop.Load} forms.
     */
    public static boolean isElementwise(IrNode n) {
        return isElementwise(n, x -> true);
    }

    private static boolean isElementwise(IrNode n, Predicate<IrNode> fusible) {
        if (n.kind() != IrNode.Kind.OP || !(n.op() instanceof ElementwiseOp) || !fusible.test(n)) return false;
        for (IrNode in : n.inputs()) if (FusedLoop.load(in.shape(), n.shape()) == null) return false;
        return true;
    }

    /** Steps in execution order. */
    public static List<Step> run(Graph graph) {
        return run(graph, n -> true);
    }

    /**
     * Like {@link #run(Graph)}, fusing into vector loops only the elementwise ops {@code fusible} accepts
     * (a loop's lane rules bake the op parameters in as constants; an op whose parameters change at run
     * time, such as the {@code 1/n} of a mean over a dynamic batch, runs its own kernel instead).
     */
    public static List<Step> run(Graph graph, Predicate<IrNode> fusible) {
        Map<IrNode, List<IrNode>> consumers = graph.consumers();
        Set<IrNode> roots = Collections.newSetFromMap(new IdentityHashMap<>());
        roots.addAll(graph.roots());
        Set<IrNode> assigned = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<IrNode, Step> stepAtRoot = new IdentityHashMap<>();
        List<IrNode> nodes = graph.nodes();
        boolean storeIntermediates = storesIntermediates();
        fuseMatmulEpilogues(nodes, consumers, roots, assigned, stepAtRoot);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            IrNode node = nodes.get(i);
            if (node.kind() != IrNode.Kind.OP || assigned.contains(node)) continue;
            if (isElementwise(node, fusible)) {
                FusedLoop loop = grow(node, consumers, roots, assigned, fusible, storeIntermediates);
                assigned.addAll(loop.members());
                stepAtRoot.put(node, loop);
            } else {
                assigned.add(node);
                stepAtRoot.put(node, new KernelStep(node));
            }
        }
        fuseCrossEntropy(nodes, stepAtRoot, consumers);
        fuseColumnSums(stepAtRoot);
        List<Step> steps = new ArrayList<>();
        for (IrNode n : nodes) {
            Step s = stepAtRoot.get(n);
            if (s != null) steps.add(s);
        }
        return steps;
    }

    /**
     * {@code act(A·B + bias)} where each intermediate has no other use: one GEMM call with the bias
     * add and the activation (ReLU or tanh) in its epilogue. The backward rules of both activations
     * read only the activation's output, so the pre-activation values are never needed.
     */
    private static void fuseMatmulEpilogues(List<IrNode> nodes, Map<IrNode, List<IrNode>> consumers, Set<IrNode> roots,
                                            Set<IrNode> assigned, Map<IrNode, Step> steps) {
        for (IrNode mm : nodes) {
            if (!mm.is(LinalgOp.MATMUL) || mm.shape().rank() != 2 || mm.input(0).shape().rank() != 2
                    || mm.input(1).shape().rank() != 2 || roots.contains(mm)) continue;
            IrNode next = single(consumers.get(mm));
            if (next != null && assigned.contains(next)) continue;  // already inside another product's epilogue
            IrNode biasAdd = null, bias = null, activation = null;
            if (next != null && next.is(BinaryOp.ADD)) {
                IrNode other = next.input(0) == mm ? next.input(1) : next.input(0);
                boolean row = other != mm && next.shape().equals(mm.shape())
                        && (FusedLoop.load(other.shape(), mm.shape()) == FusedLoop.Load.ROW
                            || (mm.shape().dim(1) == 1 && other.shape().size() == 1));
                if (row) {
                    biasAdd = next;
                    bias = other;
                    next = roots.contains(biasAdd) ? null : single(consumers.get(biasAdd));
                    if (next != null && assigned.contains(next)) next = null;
                }
            }
            if (next != null && (next.is(UnaryOp.RELU) || next.is(UnaryOp.TANH))
                    && (biasAdd != null || !roots.contains(mm))) {
                activation = next;
            }
            if (biasAdd == null && activation == null) continue;
            MatmulStep step = new MatmulStep(mm, biasAdd, bias, activation);
            assigned.add(mm);
            if (biasAdd != null) assigned.add(biasAdd);
            if (activation != null) assigned.add(activation);
            steps.put(step.result(), step);
        }
    }

    private static IrNode single(List<IrNode> list) {
        return list.size() == 1 ? list.get(0) : null;
    }

    /**
     * The loop of the group rooted at {@code root}, its members in topological (node id) order. An input used only
     * inside the group joins it; with {@code storeIntermediates} so does one that steps after the group's root also
     * read, as an extra output: the loop stores it as it goes, instead of a loop of its own writing it and the group
     * reading it back (GELU's forward was three passes over its tensor for the two intermediates its backward keeps;
     * the GPT step took 66.19, 69.58 and 56.83 ms against 68.40, 70.68 and 62.77, medians of the two alternating in
     * one JVM on a noisy host). Steps run in the order of their roots, so a reader before the root keeps the input
     * out.
     */
    private static FusedLoop grow(IrNode root, Map<IrNode, List<IrNode>> consumers, Set<IrNode> roots,
                                  Set<IrNode> assigned, Predicate<IrNode> fusible, boolean storeIntermediates) {
        Set<IrNode> members = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<IrNode> stored = Collections.newSetFromMap(new IdentityHashMap<>());
        members.add(root);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (IrNode m : new ArrayList<>(members)) {
                for (IrNode in : m.inputs()) {
                    if (members.contains(in) || assigned.contains(in) || roots.contains(in)) continue;
                    if (!isElementwise(in, fusible) || !in.shape().equals(root.shape())) continue;
                    boolean readLater = false, readBefore = false;
                    for (IrNode c : consumers.get(in)) {
                        if (members.contains(c)) continue;
                        if (storeIntermediates && c.id() > root.id()) readLater = true;
                        else readBefore = true;
                    }
                    if (!readBefore) {
                        members.add(in);
                        if (readLater) stored.add(in);
                        changed = true;
                    }
                }
            }
        }
        List<IrNode> ordered = new ArrayList<>(members);
        ordered.sort((a, b) -> Integer.compare(a.id(), b.id()));
        List<IrNode> extraOutputs = new ArrayList<>();
        for (IrNode m : ordered) if (stored.contains(m)) extraOutputs.add(m);
        return new FusedLoop(ordered, extraOutputs);
    }

    /**
     * {@code -Djitgrad.fusion.storeIntermediates=false} keeps every input read after the loop out of it, as before
     * (read once per compile, so one JVM can compare the two).
     */
    private static boolean storesIntermediates() {
        return !"false".equals(System.getProperty("jitgrad.fusion.storeIntermediates"));
    }

    private static void fuseCrossEntropy(List<IrNode> nodes, Map<IrNode, Step> steps, Map<IrNode, List<IrNode>> consumers) {
        for (IrNode grad : nodes) {
            if (!grad.is(LossOp.CROSS_ENTROPY_GRAD) || grad.input(2).kind() != IrNode.Kind.CONST) continue;
            for (IrNode loss : consumers.get(grad.input(0))) {
                if (loss.is(LossOp.CROSS_ENTROPY) && loss.input(1) == grad.input(1) && steps.containsKey(loss)) {
                    steps.put(loss, new CrossEntropyStep(loss, grad));
                    steps.remove(grad);
                    break;
                }
            }
        }
    }

    private static void fuseColumnSums(Map<IrNode, Step> steps) {
        for (Step s : List.copyOf(steps.values())) {
            if (!(s instanceof KernelStep k) || !k.node().is(ReduceOp.SUM_TO)) continue;
            IrNode sum = k.node();
            if (sum.shape().size() == 1 || sum.input(0).shape().rank() < 2
                    || FusedLoop.load(sum.shape(), sum.input(0).shape()) != FusedLoop.Load.ROW) continue;
            if (steps.get(sum.input(0)) instanceof FusedLoop loop && loop.columnSum() == null) {
                loop.setColumnSum(sum);
                steps.remove(sum);
            }
        }
    }
}
