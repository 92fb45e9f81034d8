package org.jitgrad.compile.passes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.kernels.Gemm;
import org.jitgrad.kernels.Triangular;
import org.jitgrad.ops.LayoutOp;
import org.jitgrad.ops.LinalgOp;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.ReshapeOp;

/**
 * Lets batched products read and write strided views instead of copies. Multi-head attention splits a fused
 * projection into heads ({@code slice}, {@code reshape}, {@code permute}: three copies forward) and joins the heads'
 * results and gradients back ({@code permute}, {@code reshape}, {@code concat}); each of those steps copies a whole
 * activation. Where a product is small enough for {@link Gemm#multipliesViewsInPlace} (a head's
 * {@code 64x32 · 32x64}), this pass composes the chain before each operand into one {@link View} of the value the
 * chain starts from, and the chain after the result (its only reader, then that value's only reader, through
 * permutations and reshapes, and into a concatenation whose parts are all such results) into a view of the value the
 * chain ends in, and replaces the product by a {@link StridedMatmulStep}, which also skips what causal attention
 * leaves zero or unused ({@link TriangularZeros}). Layout steps left without readers are dropped. Only static shapes:
 * the views' strides are fixed at compile time.
 */
public final class StridedViews {
    private StridedViews() {}

    /** A product that can be rewritten: its node, and the chain its value goes through ({@code chain[0]} the product). */
    private record Candidate(IrNode matmul, List<IrNode> chain) {
        IrNode end() { return chain.get(chain.size() - 1); }
    }

    /** {@code steps} with the products that gain rewritten and the layout steps they leave unread dropped. */
    public static List<Step> run(Graph graph, List<Step> steps) {
        Map<IrNode, Step> producer = new IdentityHashMap<>();
        for (Step s : steps) for (IrNode o : s.outputs()) producer.put(o, s);
        Map<IrNode, List<IrNode>> readers = readers(steps);
        Set<IrNode> pinned = identitySet(graph.roots());

        List<Candidate> candidates = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof KernelStep k && k.node().is(LinalgOp.MATMUL) && isBatchedProduct(k.node())) {
                candidates.add(new Candidate(k.node(), resultChain(k.node(), producer, readers, pinned)));
            }
        }
        // each candidate's target: the value whose buffer its result is written into, and the view there
        Map<IrNode, View> resultViews = new IdentityHashMap<>();
        Map<IrNode, List<Candidate>> byConcat = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            IrNode concat = soleLayoutReader(c.end(), LayoutOp.CONCAT, producer, readers, pinned);
            if (concat != null) byConcat.computeIfAbsent(concat, x -> new ArrayList<>()).add(c);
        }
        Set<IrNode> joined = identitySet(List.of());
        for (Map.Entry<IrNode, List<Candidate>> e : byConcat.entrySet()) {
            Map<IrNode, View> views = concatParts(e.getKey(), e.getValue());
            if (views != null) {
                resultViews.putAll(views);
                joined.add(e.getKey());
            }
        }
        for (Candidate c : candidates) {
            if (!resultViews.containsKey(c.matmul())) {
                View v = backThroughChain(View.whole(c.end()), c.chain());
                resultViews.put(c.matmul(), v != null && v.strides()[v.rank() - 1] == 1 ? v : View.whole(c.matmul()));
            }
        }
        // targets (values written through views) keep their buffers; operand chains stop there
        Set<IrNode> targets = identitySet(List.of());
        for (View v : resultViews.values()) targets.add(v.base());

        TriangularZeros zeros = new TriangularZeros(graph, pinned);
        Map<IrNode, Step> replaced = new IdentityHashMap<>();
        Set<IrNode> dropped = identitySet(List.of());
        for (Candidate c : candidates) {
            IrNode mm = c.matmul();
            View out = resultViews.get(mm);
            View a = operandView(mm.input(0), producer, targets), b = operandView(mm.input(1), producer, targets);
            Triangular structure = zeros.of(mm);
            if (a.isWhole() && b.isWhole() && out.base() == mm && structure == Triangular.NONE) continue;
            replaced.put(mm, new StridedMatmulStep(mm, a, b, out, structure));
            if (out.base() != mm) {
                // the chain's steps copy nothing now; the concatenation's parts are written by their products
                dropped.addAll(c.chain().subList(1, c.chain().size()));
                if (joined.contains(out.base())) dropped.add(out.base());
            }
        }
        List<Step> rewritten = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof KernelStep k && replaced.containsKey(k.node())) rewritten.add(replaced.get(k.node()));
            else if (!(s instanceof KernelStep k && dropped.contains(k.node()))) rewritten.add(s);
        }
        return dropUnreadLayout(rewritten, pinned);
    }

    /** Both operands and the result have the same batch axes (one or two, no broadcasting), and the views pay. */
    private static boolean isBatchedProduct(IrNode mm) {
        int rank = mm.shape().rank();
        IrNode a = mm.input(0), b = mm.input(1);
        if (rank < 3 || rank > 4 || a.shape().rank() != rank || b.shape().rank() != rank) return false;
        for (int d = 0; d < rank - 2; d++) {
            if (a.shape().dim(d) != mm.shape().dim(d) || b.shape().dim(d) != mm.shape().dim(d)) return false;
        }
        OpParams.Transposes t = (OpParams.Transposes) mm.params();
        int m = mm.shape().dim(rank - 2), n = mm.shape().dim(rank - 1);
        int k = a.shape().dim(t.transA() ? rank - 2 : rank - 1);
        return Gemm.multipliesViewsInPlace(m, k, n);
    }

    /** The product, then its value's sole reader while that is a permutation or reshape, and so on. */
    private static List<IrNode> resultChain(IrNode mm, Map<IrNode, Step> producer, Map<IrNode, List<IrNode>> readers,
                                            Set<IrNode> pinned) {
        List<IrNode> chain = new ArrayList<>(List.of(mm));
        for (IrNode n = mm; ; ) {
            IrNode next = soleLayoutReader(n, LayoutOp.PERMUTE, producer, readers, pinned);
            if (next == null) next = soleLayoutReader(n, ReshapeOp.RESHAPE, producer, readers, pinned);
            if (next == null) return chain;
            chain.add(next);
            n = next;
        }
    }

    /** The only reader of {@code n} when it is a kernel step of {@code op} and {@code n} leaves nowhere else. */
    private static IrNode soleLayoutReader(IrNode n, org.jitgrad.ops.Op op, Map<IrNode, Step> producer,
                                           Map<IrNode, List<IrNode>> readers, Set<IrNode> pinned) {
        List<IrNode> r = readers.getOrDefault(n, List.of());
        if (pinned.contains(n) || r.size() != 1) return null;
        IrNode reader = r.get(0);
        return reader.is(op) && producer.get(reader) instanceof KernelStep ? reader : null;
    }

    /** The views of a concatenation's parts, or null unless every part is a distinct candidate's chain end. */
    private static Map<IrNode, View> concatParts(IrNode concat, List<Candidate> parts) {
        Map<IrNode, Candidate> byEnd = new IdentityHashMap<>();
        for (Candidate c : parts) byEnd.put(c.end(), c);
        if (byEnd.size() != concat.inputs().size()) return null;
        int axis = ((OpParams.Axis) concat.params()).axis();
        Map<IrNode, View> views = new IdentityHashMap<>();
        int at = 0;
        for (IrNode part : concat.inputs()) {
            Candidate c = byEnd.get(part);
            if (c == null || views.containsKey(c.matmul())) return null;
            int len = part.shape().dim(axis);
            View v = backThroughChain(View.whole(concat).slice(axis, at, at + len), c.chain());
            if (v == null || v.strides()[v.rank() - 1] != 1) return null;
            views.put(c.matmul(), v);
            at += len;
        }
        return views;
    }

    /** Given the view of the chain's last value, the view of its first (the product's result), or null. */
    private static View backThroughChain(View end, List<IrNode> chain) {
        View v = end;
        for (int i = chain.size() - 1; i > 0 && v != null; i--) {
            IrNode n = chain.get(i), in = n.input(0);
            if (n.is(LayoutOp.PERMUTE)) {
                OpParams.Permutation p = (OpParams.Permutation) n.params();
                int[] inverse = new int[p.rank()];
                for (int d = 0; d < inverse.length; d++) inverse[p.axis(d)] = d;
                v = v.permute(inverse);
            } else {
                v = v.reshape(in.shape());
            }
        }
        return v;
    }

    /**
     * {@code x} as a view of the value its slices, reshapes and permutations start from (stopping at a value that
     * is itself written through views), or {@code x} whole when the composed view's rows are not contiguous.
     */
    private static View operandView(IrNode x, Map<IrNode, Step> producer, Set<IrNode> targets) {
        View v = viewUpTo(x, producer, targets);
        return v.strides()[v.rank() - 1] == 1 ? v : View.whole(x);
    }

    /** {@code x} as a view through its chain of slices, permutations and expressible reshapes (never null). */
    private static View viewUpTo(IrNode x, Map<IrNode, Step> producer, Set<IrNode> targets) {
        if (x.kind() != IrNode.Kind.OP || targets.contains(x) || !(producer.get(x) instanceof KernelStep)) {
            return View.whole(x);
        }
        if (x.is(LayoutOp.SLICE)) {
            OpParams.Range r = (OpParams.Range) x.params();
            return viewUpTo(x.input(0), producer, targets).slice(r.axis(), r.start(), r.end());
        }
        if (x.is(LayoutOp.PERMUTE)) {
            return viewUpTo(x.input(0), producer, targets).permute(((OpParams.Permutation) x.params()).dims());
        }
        if (x.is(ReshapeOp.RESHAPE)) {
            View v = viewUpTo(x.input(0), producer, targets).reshape(x.shape());
            return v != null ? v : View.whole(x);
        }
        return View.whole(x);
    }

    /** Drops slice, reshape and permutation steps whose values nothing reads any more (and leave nowhere). */
    private static List<Step> dropUnreadLayout(List<Step> steps, Set<IrNode> pinned) {
        List<Step> kept = steps;
        while (true) {
            Map<IrNode, List<IrNode>> readers = readers(kept);
            List<Step> next = new ArrayList<>();
            for (Step s : kept) {
                boolean unread = s instanceof KernelStep k && isLayout(k.node()) && !pinned.contains(k.node())
                        && readers.getOrDefault(k.node(), List.of()).isEmpty();
                if (!unread) next.add(s);
            }
            if (next.size() == kept.size()) return kept;
            kept = next;
        }
    }

    private static boolean isLayout(IrNode n) {
        return n.is(LayoutOp.SLICE) || n.is(LayoutOp.PERMUTE) || n.is(ReshapeOp.RESHAPE);
    }

    /** For each value, the values computed by the steps that read it (a fused loop counts as its root). */
    private static Map<IrNode, List<IrNode>> readers(List<Step> steps) {
        Map<IrNode, List<IrNode>> readers = new IdentityHashMap<>();
        for (Step s : steps) {
            IrNode by = s.outputs().get(0);
            if (s instanceof StridedMatmulStep sm) by = sm.matmul();
            for (IrNode r : s.reads()) readers.computeIfAbsent(r, x -> new ArrayList<>()).add(by);
        }
        return readers;
    }

    private static Set<IrNode> identitySet(List<IrNode> nodes) {
        Set<IrNode> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(nodes);
        return s;
    }
}
