package org.jitgrad.compile.passes;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.ops.Broadcast;
import org.jitgrad.ops.Op;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.Shape;

/**
 * A chain (or small DAG) of elementwise ops computed in one vector loop: {@code members} in
 * topological order, the last being {@code root}, whose value is stored, as are the {@code extraOutputs} (members
 * that steps after the loop read, such as GELU's intermediates kept for the backward). {@code leaves} are the values
 * read from memory, each in one of the {@link Load} forms. Optionally the loop also sums the root over
 * its rows into {@code columnSum} (a bias gradient).
 */
public final class FusedLoop implements Step {
    /** How a leaf is read in a loop over rows of the root's last dimension. */
    public enum Load {
        /** Element by element, the root's own layout. */
        FULL,
        /** One value broadcast to every lane. */
        SCALAR,
        /** One row of the last dimension, repeated for every row. */
        ROW,
        /** One value per row (shape {@code [..., 1]}), broadcast along the row. */
        COLUMN,
        /**
         * A block of several rows, the root's trailing dimensions, repeated along the leading ones: an attention
         * mask {@code [t, t]} in a loop over {@code [b, h, t, t]}, position embeddings {@code [t, C]} over
         * {@code [b, t, C]}. Row {@code r} of the root reads row {@code r mod rows(leaf)} of the leaf.
         */
        TILE
    }

    private final List<IrNode> members;
    private final List<IrNode> leaves;
    private final List<IrNode> extraOutputs;
    private IrNode columnSum;

    /** {@code extraOutputs}: members before the root whose values steps after the loop read, stored too. */
    FusedLoop(List<IrNode> members, List<IrNode> extraOutputs) {
        this.members = List.copyOf(members);
        this.extraOutputs = List.copyOf(extraOutputs);
        for (IrNode e : extraOutputs) {
            if (!members.contains(e) || e == members.get(members.size() - 1)) {
                throw new IllegalArgumentException("extra output " + e + " is not a member before the root");
            }
        }
        List<IrNode> l = new ArrayList<>();
        for (IrNode m : members) {
            for (IrNode in : m.inputs()) if (!members.contains(in) && !l.contains(in)) l.add(in);
        }
        this.leaves = List.copyOf(l);
    }

    /**
     * How a value of shape {@code leaf} that broadcasts to {@code root} is read in a loop over
     * {@code root}, or null when no form fits (the op then runs its own kernel instead).
     */
    public static Load load(Shape leaf, Shape root) {
        if (!Broadcast.broadcastsTo(leaf, root)) return null;
        if (leaf.size() == root.size()) return Load.FULL;
        if (leaf.size() == 1) return Load.SCALAR;
        int last = root.lastDim();
        if (leaf.rank() > 0 && leaf.lastDim() == last && leaf.size() == last) return Load.ROW;
        if ((leaf.rank() == 0 || leaf.lastDim() == 1) && (long) leaf.size() * last == root.size()) return Load.COLUMN;
        if (isTile(leaf, root)) return Load.TILE;
        return null;
    }

    /** Whether {@code leaf}, leading ones aside, is the root's trailing dimensions, more than one row of them. */
    private static boolean isTile(Shape leaf, Shape root) {
        int lead = 0;
        while (lead < leaf.rank() && leaf.dim(lead) == 1) lead++;
        int tileRank = leaf.rank() - lead;
        if (tileRank < 2 || tileRank > root.rank()) return false;
        for (int i = 1; i <= tileRank; i++) {
            if (leaf.dim(leaf.rank() - i) != root.dim(root.rank() - i)) return false;
        }
        return leaf.size() > root.lastDim() && root.size() % leaf.size() == 0;
    }

    /**
     * Whether reading a leaf of shape {@code leaf} in form {@code form}, in a loop over {@code root} (by
     * rows of its last dimension for {@link Load#ROW} and {@link Load#COLUMN}), gives the leaf's
     * broadcast values. {@link #load} picks one form; at sizes where several coincide (a single row, a
     * single column, a single element) the others fit too. A program with a dynamic dimension checks
     * the forms it was compiled with at each new size.
     */
    public static boolean readableAs(Load form, Shape leaf, Shape root) {
        if (!Broadcast.broadcastsTo(leaf, root)) return false;
        int last = root.lastDim();
        return switch (form) {
            case FULL -> leaf.size() == root.size();
            case SCALAR -> leaf.size() == 1;
            case ROW -> leaf.size() == last && (leaf.rank() == 0 ? last == 1 : leaf.lastDim() == last);
            case COLUMN -> (leaf.rank() == 0 || leaf.lastDim() == 1) && (long) leaf.size() * last == root.size();
            case TILE -> isTile(leaf, root);
        };
    }

    public List<IrNode> members() { return members; }

    /**
     * Whether the loop walks the root row by row (a leaf is read as a {@link Load#ROW}, {@link Load#COLUMN}
     * or {@link Load#TILE}, or a column sum is fused) rather than as one flat run of elements.
     */
    public boolean rowLoop() {
        if (columnSum != null) return true;
        for (IrNode leaf : leaves) {
            Load l = loadOf(leaf);
            if (l == Load.ROW || l == Load.COLUMN || l == Load.TILE) return true;
        }
        return false;
    }

    public IrNode root() { return members.get(members.size() - 1); }

    /** Members other than the root that the loop stores as well (in member order), because later steps read them. */
    public List<IrNode> extraOutputs() { return extraOutputs; }

    public List<IrNode> leaves() { return leaves; }

    /** How {@code leaf} is read. */
    public Load loadOf(IrNode leaf) {
        Load l = load(leaf.shape(), root().shape());
        if (l == null) throw new IllegalStateException("leaf " + leaf + " cannot be read in a loop over " + root().shape());
        return l;
    }

    /** The fused column-sum node (a {@code SUM_TO} a row of the root), or null. */
    public IrNode columnSum() { return columnSum; }

    void setColumnSum(IrNode sumTo) { this.columnSum = sumTo; }

    /**
     * Equal for loops that compile to the same code (same ops and parameters, operand wiring, sizes and
     * leaf forms), so that, say, the 100 identical tanh backward loops of a deep model share one method.
     */
    public Structure structure() {
        return structure(true);
    }

    /**
     * Like {@link #structure()}; without {@code withShape} the root's shape is left out, for loops
     * whose bounds are passed at run time (so loops that differ only in size share one method).
     */
    public Structure structure(boolean withShape) {
        List<Load> loads = new ArrayList<>();
        List<Integer> tiles = new ArrayList<>();
        for (IrNode leaf : leaves) {
            Load l = loadOf(leaf);
            loads.add(l);
            tiles.add(l == Load.TILE ? leaf.shape().size() : 0);
        }
        List<Member> ms = new ArrayList<>();
        for (IrNode m : members) {
            List<Integer> operands = new ArrayList<>();
            for (IrNode in : m.inputs()) {
                int li = leaves.indexOf(in);
                operands.add(li >= 0 ? li : -1 - members.indexOf(in));
            }
            ms.add(new Member(m.op(), m.params(), operands));
        }
        List<Integer> stored = new ArrayList<>();
        for (IrNode e : extraOutputs) stored.add(members.indexOf(e));
        return new Structure(withShape ? root().shape() : null, columnSum != null, loads, tiles, ms, stored);
    }

    /**
     * The value key of {@link #structure()}; {@code root} is null for a loop with run-time bounds; {@code tiles} has
     * each {@link Load#TILE} leaf's size (0 for the other leaves), which the method bakes in; {@code extraOutputs}
     * are member indices.
     */
    public record Structure(Shape root, boolean columnSum, List<Load> leaves, List<Integer> tiles, List<Member> members,
                            List<Integer> extraOutputs) {}

    /** One member in a structure: its op, parameters and operands (leaf index, or -1 - member index). */
    public record Member(Op op, OpParams params, List<Integer> operands) {}

    @Override
    public List<IrNode> outputs() {
        List<IrNode> out = new ArrayList<>();
        out.add(root());
        if (columnSum != null) out.add(columnSum);
        out.addAll(extraOutputs);
        return out;
    }

    @Override
    public List<IrNode> reads() { return leaves; }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("fused loop ").append(root().ref()).append(" ").append(root().shape()).append(" {");
        for (IrNode m : members) sb.append("\n      ").append(m);
        if (columnSum != null) sb.append("\n      + column sum ").append(columnSum);
        for (IrNode e : extraOutputs) sb.append("\n      + stores ").append(e.ref());
        return sb.append("\n    }").toString();
    }
}
