package org.jitgrad.compile.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.Op;
import org.jitgrad.tensor.Shape;

/**
 * An IR graph: nodes in creation order (which is a topological order), the function's inputs and
 * parameters, its output, and, after autodiff, the gradient node of each parameter.
 */
public final class Graph {
    private final List<IrNode> nodes = new ArrayList<>();
    private final List<IrNode> inputs = new ArrayList<>();
    private final List<IrNode> params = new ArrayList<>();
    private final Map<IrNode, IrNode> gradients = new LinkedHashMap<>();
    private final java.util.Set<IrNode> owned = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private IrNode output;

    /** Adds input {@code index}. */
    public IrNode addInput(int index, Shape shape) {
        IrNode n = new IrNode(nodes.size(), IrNode.Kind.INPUT, null, OpParams.NONE, List.of(), shape, index, null);
        nodes.add(n);
        inputs.add(n);
        return n;
    }

    /** Adds the next parameter. */
    public IrNode addParam(Shape shape) {
        IrNode n = new IrNode(nodes.size(), IrNode.Kind.PARAM, null, OpParams.NONE, List.of(), shape, params.size(), null);
        nodes.add(n);
        params.add(n);
        return n;
    }

    /** Adds a constant whose values are read from {@code values} at run time. */
    public IrNode addConst(Shape shape, float[] values) {
        IrNode n = new IrNode(nodes.size(), IrNode.Kind.CONST, null, OpParams.NONE, List.of(), shape, -1, values);
        nodes.add(n);
        return n;
    }

    /**
     * Adds a constant that the compiler itself created (the seed gradient and what is folded from
     * it): nobody else holds its array, so ops on it can be evaluated at compile time.
     */
    public IrNode addOwnedConst(Shape shape, float[] values) {
        IrNode n = addConst(shape, values);
        owned.add(n);
        return n;
    }

    /** Whether {@code n} is a constant created by the compiler (see {@link #addOwnedConst}). */
    public boolean isOwnedConst(IrNode n) {
        return owned.contains(n);
    }

    /** Adds {@code op(inputs)}, checking shapes with the op's own rule. */
    public IrNode addOp(Op op, OpParams params, List<IrNode> in) {
        Shape[] shapes = new Shape[in.size()];
        for (int i = 0; i < shapes.length; i++) shapes[i] = in.get(i).shape();
        Shape shape = op.outputShape(params, shapes);
        IrNode n = new IrNode(nodes.size(), IrNode.Kind.OP, op, params, in, shape, -1, null);
        nodes.add(n);
        return n;
    }

    public List<IrNode> nodes() { return Collections.unmodifiableList(nodes); }

    public List<IrNode> inputs() { return Collections.unmodifiableList(inputs); }

    public List<IrNode> params() { return Collections.unmodifiableList(params); }

    public IrNode output() { return output; }

    public void setOutput(IrNode output) { this.output = output; }

    /** The gradient node of each parameter that the output depends on, in parameter order. */
    public Map<IrNode, IrNode> gradients() { return Collections.unmodifiableMap(gradients); }

    public void setGradient(IrNode param, IrNode grad) { gradients.put(param, grad); }

    /** Every node's consumers, in node order. */
    public Map<IrNode, List<IrNode>> consumers() {
        Map<IrNode, List<IrNode>> c = new IdentityHashMap<>();
        for (IrNode n : nodes) c.put(n, new ArrayList<>());
        for (IrNode n : nodes) for (IrNode in : n.inputs()) c.get(in).add(n);
        return c;
    }

    /** Nodes whose values leave the graph: the output and the gradients. */
    public List<IrNode> roots() {
        List<IrNode> r = new ArrayList<>();
        if (output != null) r.add(output);
        r.addAll(gradients.values());
        return r;
    }

    /** Keeps only {@code live} nodes (in their order). */
    public void retain(java.util.Set<IrNode> live) {
        nodes.removeIf(n -> !live.contains(n) && n.kind() == IrNode.Kind.OP);
    }

    /** One line a node, then the output and gradients. */
    public String listing() {
        StringBuilder sb = new StringBuilder();
        for (IrNode n : nodes) sb.append("  ").append(n).append('\n');
        if (output != null) sb.append("  output ").append(output.ref()).append('\n');
        for (Map.Entry<IrNode, IrNode> e : gradients.entrySet()) {
            sb.append("  grad param ").append(e.getKey().slot()).append(" <- ").append(e.getValue().ref()).append('\n');
        }
        return sb.toString();
    }
}
