package org.jitgrad.compile.plan;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.FusedLoop;
import org.jitgrad.compile.passes.KernelStep;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.ops.ReshapeOp;

/**
 * Assigns every value a {@link Buffer}. Parameter gradients are written straight into the gradient
 * arrays; other computed values share arena slots whenever their lifetimes (first write to last read,
 * in step order) do not overlap, and a fused loop writes in place over a full-size input that dies
 * there. A reshape of a computed value shares its input's slot (the kernel then copies nothing), and the
 * two are one lifetime. Every array is allocated once per specialization.
 */
public final class BufferPlan {
    private final Map<IrNode, Buffer> buffers;
    private final int[] arenaSizes;
    private final List<float[]> constants;
    private final List<int[]> extraGradCopies;
    private final int values;

    private BufferPlan(Map<IrNode, Buffer> buffers, int[] arenaSizes, List<float[]> constants,
                       List<int[]> extraGradCopies, int values) {
        this.buffers = buffers;
        this.arenaSizes = arenaSizes;
        this.constants = constants;
        this.extraGradCopies = extraGradCopies;
        this.values = values;
    }

    /** Where {@code n}'s value lives. */
    public Buffer of(IrNode n) {
        Buffer b = buffers.get(n);
        if (b == null) throw new IllegalStateException("no buffer planned for " + n);
        return b;
    }

    /** Element counts of the arena slots. */
    public int[] arenaSizes() { return arenaSizes.clone(); }

    /** The arrays behind the {@link Buffer.Kind#CONST} buffers, by index. */
    public List<float[]> constants() { return constants; }

    /**
     * Gradients that must be copied after the program: {@code {fromParam, toParam}} pairs for a value
     * that is the gradient of several parameters, or {@code {-1 - constIndex, toParam}} for a gradient
     * that is not computed by an op (a constant).
     */
    public List<int[]> gradientCopies() { return extraGradCopies; }

    /** Plans buffers for {@code steps} of {@code graph}. */
    public static BufferPlan plan(Graph graph, List<Step> steps) {
        return plan(graph, steps, (a, b) -> a.shape().size() == b.shape().size());
    }

    /**
     * Like {@link #plan(Graph, List)}, writing a fused loop in place over a leaf only where
     * {@code sameSize} says the two always have the same element count (a program with a dynamic
     * dimension compares sizes as functions of it, not at the traced size). Slots are shared by
     * lifetime alone, so the sharing is valid at every size; the slot sizes are those of the traced shapes.
     */
    public static BufferPlan plan(Graph graph, List<Step> steps, BiPredicate<IrNode, IrNode> sameSize) {
        Map<IrNode, Buffer> buffers = new IdentityHashMap<>();
        List<float[]> constants = new ArrayList<>();
        for (IrNode n : graph.nodes()) {
            switch (n.kind()) {
                case INPUT -> buffers.put(n, new Buffer(Buffer.Kind.INPUT, n.slot()));
                case PARAM -> buffers.put(n, new Buffer(Buffer.Kind.PARAM, n.slot()));
                case CONST -> {
                    buffers.put(n, new Buffer(Buffer.Kind.CONST, constants.size()));
                    constants.add(n.constant());
                }
                case OP -> { }
            }
        }
        List<int[]> copies = new ArrayList<>();
        Map<IrNode, Integer> gradOwner = new LinkedHashMap<>();
        for (Map.Entry<IrNode, IrNode> e : graph.gradients().entrySet()) {
            int param = e.getKey().slot();
            IrNode g = e.getValue();
            if (g.kind() != IrNode.Kind.OP) {
                Buffer src = buffers.get(g);
                if (src.kind() != Buffer.Kind.CONST) {
                    // the gradient rules always build an op or pass a gradient (ultimately the seed) through
                    throw new IllegalStateException("gradient of parameter " + param + " is " + g + ", not an op or a constant");
                }
                copies.add(new int[] {-1 - src.index(), param});
            } else if (gradOwner.containsKey(g)) {
                copies.add(new int[] {gradOwner.get(g), param});
            } else {
                gradOwner.put(g, param);
                buffers.put(g, new Buffer(Buffer.Kind.GRAD, param));
            }
        }
        Map<IrNode, IrNode> sharesSlotOf = reshapesThatShare(graph, steps, buffers);
        Map<IrNode, Integer> lastUse = new IdentityHashMap<>();
        for (int s = 0; s < steps.size(); s++) for (IrNode r : steps.get(s).reads()) lastUse.put(owner(r, sharesSlotOf), s);
        if (graph.output() != null) lastUse.put(owner(graph.output(), sharesSlotOf), Integer.MAX_VALUE);
        Arena arena = new Arena();
        int values = 0;
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            IrNode inPlace = step instanceof FusedLoop loop
                    ? inPlaceCandidate(loop, buffers, lastUse, sharesSlotOf, s, sameSize) : null;
            for (IrNode out : step.outputs()) {
                values++;
                if (buffers.containsKey(out)) continue;
                IrNode shared = sharesSlotOf.get(out);
                if (shared != null) {
                    buffers.put(out, buffers.get(shared));
                } else if (inPlace != null && out == ((FusedLoop) step).root()) {
                    buffers.put(out, buffers.get(inPlace));
                    lastUse.put(owner(inPlace, sharesSlotOf), -1);
                } else {
                    buffers.put(out, new Buffer(Buffer.Kind.ARENA, arena.take(out.shape().size())));
                }
            }
            for (IrNode read : step.reads()) {
                Buffer b = buffers.get(read);
                if (b.kind() == Buffer.Kind.ARENA && lastUse.getOrDefault(owner(read, sharesSlotOf), -1) == s) {
                    arena.release(b.index());
                }
            }
            for (IrNode out : step.outputs()) {
                Buffer b = buffers.get(out);
                if (b.kind() == Buffer.Kind.ARENA && lastUse.getOrDefault(owner(out, sharesSlotOf), s) == s
                        && out != graph.output()) {
                    arena.release(b.index());
                }
            }
        }
        return new BufferPlan(buffers, arena.sizes(), constants, copies, values);
    }

    /**
     * The reshapes whose output can share its input's arena slot, each mapped to the value that owns the slot (the
     * first value of a chain of reshapes): the input is computed into the arena (not a gradient array or a caller's
     * array), and the output is neither a gradient array nor the program's output.
     */
    private static Map<IrNode, IrNode> reshapesThatShare(Graph graph, List<Step> steps, Map<IrNode, Buffer> preassigned) {
        Map<IrNode, IrNode> owners = new IdentityHashMap<>();
        for (Step step : steps) {
            if (!(step instanceof KernelStep k) || !k.node().is(ReshapeOp.RESHAPE)) continue;
            IrNode out = k.node(), in = out.input(0);
            if (in.kind() != IrNode.Kind.OP || preassigned.containsKey(in) || preassigned.containsKey(out)
                    || out == graph.output()) {
                continue;
            }
            owners.put(out, owner(in, owners));
        }
        return owners;
    }

    /** The value whose slot {@code n} lives in: itself, or the first value of the reshapes it shares a slot with. */
    private static IrNode owner(IrNode n, Map<IrNode, IrNode> sharesSlotOf) {
        return sharesSlotOf.getOrDefault(n, n);
    }

    /** A full-size arena leaf of {@code loop} read for the last time here, whose slot the root can reuse. */
    private static IrNode inPlaceCandidate(FusedLoop loop, Map<IrNode, Buffer> buffers, Map<IrNode, Integer> lastUse,
                                           Map<IrNode, IrNode> sharesSlotOf, int s, BiPredicate<IrNode, IrNode> sameSize) {
        for (IrNode leaf : loop.leaves()) {
            Buffer b = buffers.get(leaf);
            if (b != null && b.kind() == Buffer.Kind.ARENA && lastUse.getOrDefault(owner(leaf, sharesSlotOf), -1) == s
                    && sameSize.test(leaf, loop.root())) {
                return leaf;
            }
        }
        return null;
    }

    /** A listing of the plan: slots, sizes and how many values share each. */
    public String describe() {
        Map<Integer, Integer> sharing = new LinkedHashMap<>();
        for (Buffer b : buffers.values()) if (b.kind() == Buffer.Kind.ARENA) sharing.merge(b.index(), 1, Integer::sum);
        StringBuilder sb = new StringBuilder();
        long total = 0;
        for (int i = 0; i < arenaSizes.length; i++) {
            total += arenaSizes[i];
            sb.append("  buf").append(i).append(": ").append(arenaSizes[i]).append(" floats, holds ")
                    .append(sharing.getOrDefault(i, 0)).append(" value(s)\n");
        }
        sb.append("  ").append(values).append(" computed values in ").append(arenaSizes.length).append(" arena slots, ")
                .append(total * 4).append(" bytes; gradients written in place into ")
                .append(buffers.values().stream().filter(b -> b.kind() == Buffer.Kind.GRAD).count()).append(" gradient arrays\n");
        return sb.toString();
    }

    /**
     * Free-list allocation of arena slots, best fit by size, ties to the slot released last; a slot grows to its
     * largest tenant.
     */
    private static final class Arena {
        private final List<Integer> sizes = new ArrayList<>();
        private final List<Integer> free = new ArrayList<>();

        int take(int size) {
            int best = -1;
            // newest first: of slots that fit equally well, the one released last is the likeliest still in cache
            for (int f = free.size() - 1; f >= 0; f--) {
                int idx = free.get(f);
                int cap = sizes.get(idx);
                if (best < 0) { best = idx; continue; }
                int bestCap = sizes.get(best);
                boolean fits = cap >= size, bestFits = bestCap >= size;
                if ((fits && (!bestFits || cap < bestCap)) || (!fits && !bestFits && cap > bestCap)) best = idx;
            }
            if (best >= 0) {
                free.remove(Integer.valueOf(best));
                sizes.set(best, Math.max(sizes.get(best), size));
                return best;
            }
            sizes.add(size);
            return sizes.size() - 1;
        }

        void release(int slot) {
            if (!free.contains(slot)) free.add(slot);
        }

        int[] sizes() {
            return sizes.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
