package org.jitgrad.compile.autodiff;

import java.util.List;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.ops.Attrs;
import org.jitgrad.ops.GradBuilder;
import org.jitgrad.ops.Op;
import org.jitgrad.tensor.Shape;

/** Gradient rules applied to IR nodes: each application adds a node to the graph. */
final class IrGradBuilder implements GradBuilder<IrNode> {
    private final Graph graph;

    IrGradBuilder(Graph graph) {
        this.graph = graph;
    }

    @Override
    public IrNode apply(Op op, Attrs attrs, List<IrNode> inputs) {
        return graph.addOp(op, attrs, inputs);
    }

    @Override
    public Shape shape(IrNode value) {
        return value.shape();
    }
}
