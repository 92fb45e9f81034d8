package org.jitgrad.compile.passes;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.compile.ir.IrNode;

/**
 * A chain (or small DAG) of elementwise ops computed in one vector loop: {@code members} in
 * topological order, the last being {@code root}, whose value is stored. {@code leaves} are the values
 * read from memory: full size, one element (broadcast) or one row (repeated over rows).
 * Optionally the loop also sums the root over its rows into {@code columnSum} (a bias gradient).
 */
public final class FusedLoop implements Step {
    private final List<IrNode> members;
    private final List<IrNode> leaves;
    private IrNode columnSum;

    FusedLoop(List<IrNode> members) {
        this.members = List.copyOf(members);
        List<IrNode> l = new ArrayList<>();
        for (IrNode m : members) {
            for (IrNode in : m.inputs()) if (!members.contains(in) && !l.contains(in)) l.add(in);
        }
        this.leaves = List.copyOf(l);
    }

    public List<IrNode> members() { return members; }

    public IrNode root() { return members.get(members.size() - 1); }

    public List<IrNode> leaves() { return leaves; }

    /** The fused column-sum node (a {@code SUM_TO} a row of the root), or null. */
    public IrNode columnSum() { return columnSum; }

    void setColumnSum(IrNode sumTo) { this.columnSum = sumTo; }

    @Override
    public List<IrNode> outputs() {
        return columnSum == null ? List.of(root()) : List.of(root(), columnSum);
    }

    @Override
    public List<IrNode> reads() { return leaves; }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("fused loop ").append(root().ref()).append(" ").append(root().shape()).append(" {");
        for (IrNode m : members) sb.append("\n      ").append(m);
        if (columnSum != null) sb.append("\n      + column sum ").append(columnSum);
        return sb.append("\n    }").toString();
    }
}
