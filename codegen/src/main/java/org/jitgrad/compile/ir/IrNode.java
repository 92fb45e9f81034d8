package org.jitgrad.compile.ir;

import java.util.List;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.Op;
import org.jitgrad.tensor.Shape;

/**
 * One SSA value of the IR: a function input, a parameter, a constant, or an op applied to earlier
 * values. Immutable; identity is the node itself, {@link #id()} is for listings.
 */
public final class IrNode {
    /** What produces the value. */
    public enum Kind { INPUT, PARAM, CONST, OP }

    private final int id;
    private final Kind kind;
    private final Op op;
    private final OpParams params;
    private final List<IrNode> inputs;
    private final Shape shape;
    private final int slot;
    private final float[] constant;

    IrNode(int id, Kind kind, Op op, OpParams params, List<IrNode> inputs, Shape shape, int slot, float[] constant) {
        this.id = id;
        this.kind = kind;
        this.op = op;
        this.params = params;
        this.inputs = List.copyOf(inputs);
        this.shape = shape;
        this.slot = slot;
        this.constant = constant;
    }

    public int id() { return id; }

    public Kind kind() { return kind; }

    /** The op, for {@link Kind#OP} nodes; null otherwise. */
    public Op op() { return op; }

    public OpParams params() { return params; }

    public List<IrNode> inputs() { return inputs; }

    public IrNode input(int i) { return inputs.get(i); }

    public Shape shape() { return shape; }

    /** The input or parameter index, for {@link Kind#INPUT} and {@link Kind#PARAM}; -1 otherwise. */
    public int slot() { return slot; }

    /** The values of a {@link Kind#CONST} node (shared with the traced tensor), or null. */
    public float[] constant() { return constant; }

    /** Whether this node applies {@code candidate}. */
    public boolean is(Op candidate) { return op == candidate; }

    /** {@code %id}. */
    public String ref() { return "%" + id; }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(ref()).append(" = ");
        switch (kind) {
            case INPUT -> sb.append("input ").append(slot);
            case PARAM -> sb.append("param ").append(slot);
            case CONST -> sb.append("const").append(constant.length == 1 ? " " + constant[0] : "");
            case OP -> {
                sb.append(op.name().toLowerCase(java.util.Locale.ROOT)).append('(');
                for (int i = 0; i < inputs.size(); i++) sb.append(i == 0 ? "" : ", ").append(inputs.get(i).ref());
                sb.append(')');
                String a = params.toString();
                if (!a.isEmpty()) sb.append(' ').append(a);
            }
        }
        return sb.append(" : ").append(shape).toString();
    }
}
