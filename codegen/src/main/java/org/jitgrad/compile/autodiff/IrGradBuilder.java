package org.jitgrad.compile.autodiff;

import java.util.List;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.GradBuilder;
import org.jitgrad.ops.Op;
import org.jitgrad.tensor.Shape;

/** Gradient rules applied to IR nodes: each application adds a node to the graph. */
final class IrGradBuilder implements GradBuilder<IrNode> {
    private final Graph graph;
    private final boolean fold;

    IrGradBuilder(Graph graph, boolean fold) {
        this.graph = graph;
        this.fold = fold;
    }

    /**
     * Adds the op, or, when every input is a compiler-owned one-element constant (the seed and what
     * is derived from it, such as the {@code 1/n} of a mean), evaluates it now into a new constant.
     * An op without inputs (a random draw) is never folded: it must run on every call. Nothing is
     * folded when folding is off.
     */
    @Override
    public IrNode apply(Op op, OpParams params, List<IrNode> inputs) {
        boolean foldable = fold && !inputs.isEmpty();
        for (IrNode in : inputs) foldable &= graph.isOwnedConst(in) && in.shape().size() == 1;
        Shape[] shapes = new Shape[inputs.size()];
        float[][] values = new float[inputs.size()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = inputs.get(i).shape();
            values[i] = inputs.get(i).constant();
        }
        Shape out = op.outputShape(params, shapes);
        if (!foldable || out.size() != 1) return graph.addOp(op, params, inputs);
        float[] result = new float[1];
        op.forward(params, shapes, values, out, result);
        return graph.addOwnedConst(out, result);
    }

    @Override
    public IrNode scalar(float value) {
        return graph.addOwnedConst(Shape.SCALAR, new float[] {value});
    }

    @Override
    public Shape shape(IrNode value) {
        return value.shape();
    }
}
