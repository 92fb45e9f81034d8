package org.jitgrad.compile.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.compile.TensorFn;
import org.jitgrad.compile.TraceException;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.Op;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.OpObserver;
import org.jitgrad.tensor.RandomStream;
import org.jitgrad.tensor.Tensor;

/**
 * Runs a function once on real tensors and records every op it applies as IR. Tensors the function
 * did not receive become parameters (if marked {@code requiresGrad}) or constants; random ops (which
 * have no inputs) stay ops, so the compiled step draws anew on every call. Reading values
 * of traced tensors into Java fails, because the compiled graph could not follow such control flow.
 */
public final class Tracer implements OpObserver {
    private final Graph graph = new Graph();
    private final Map<Tensor, IrNode> known = new IdentityHashMap<>();
    private final List<Tensor> parameters = new ArrayList<>();

    private Tracer() {}

    /** The result of a trace: the graph, the parameter tensors in slot order, and the traced output value. */
    public record Trace(Graph graph, List<Tensor> parameters, Tensor value) {}

    /**
     * Traces {@code fn} on {@code inputs}.
     *
     * @throws TraceException if the function reads traced values, uses an op that cannot be lowered,
     *                        or returns a tensor that does not come from its inputs or parameters
     */
    public static Trace trace(TensorFn fn, Tensor... inputs) {
        Tracer tracer = new Tracer();
        for (int i = 0; i < inputs.length; i++) {
            if (tracer.known.containsKey(inputs[i])) {
                throw new TraceException("input " + i + " is the same tensor as an earlier input; pass distinct tensors");
            }
            tracer.known.put(inputs[i], tracer.graph.addInput(i, inputs[i].shape()));
        }
        Tensor result;
        // No tape graph is needed while tracing: the compiler differentiates the IR itself. Random streams
        // hold their positions: the trace's own run must not consume the draw the compiled step's first
        // call (or the tape's next call) will make.
        try (OpObserver.Scope ignored = OpObserver.install(tracer); NoGrad noTape = NoGrad.enter();
             RandomStream.Hold holdDraws = RandomStream.holdPositions()) {
            result = fn.apply(inputs.clone());
        }
        if (result == null) throw new TraceException("the traced function returned null");
        IrNode out = tracer.known.get(result);
        if (out == null && result.isParameter()) {
            throw new TraceException("the traced function returned a parameter " + result.shape() + " itself; return a value"
                    + " computed from it (a compiled program's output is the result of an op, e.g. p.sum())");
        }
        if (out == null) {
            throw new TraceException("the traced function returned a tensor " + result.shape()
                    + " that it did not compute from its inputs or parameters");
        }
        tracer.graph.setOutput(out);
        return new Trace(tracer.graph, List.copyOf(tracer.parameters), result);
    }

    @Override
    public void onOp(Op op, OpParams params, Tensor[] inputs, Tensor output) {
        List<IrNode> in = new ArrayList<>(inputs.length);
        for (Tensor t : inputs) in.add(nodeFor(t, op));
        TransposedOperands.Application recorded = TransposedOperands.fold(op, params, in);
        known.put(output, graph.addOp(op, recorded.params(), recorded.inputs()));
    }

    private IrNode nodeFor(Tensor t, Op usedBy) {
        IrNode n = known.get(t);
        if (n != null) return n;
        if (t.isParameter()) {
            n = graph.addParam(t.shape());
            parameters.add(t);
        } else if (t.gradFn() != null) {
            throw new TraceException(usedBy.name() + " uses a tensor " + t.shape() + " computed outside the traced"
                    + " function with a recorded graph (by " + t.gradFn().op().name() + "); gradients cannot flow"
                    + " through it. Compute it inside the function, or pass detach() of it");
        } else {
            n = graph.addConst(t.shape(), t.storage());
        }
        known.put(t, n);
        return n;
    }

    @Override
    public void onRead(Tensor tensor, String what) {
        IrNode n = known.get(tensor);
        if (n == null) return;
        String source = n.kind() == IrNode.Kind.OP ? "the result of " + n.op().name() : n.kind().name().toLowerCase() + " " + n.ref();
        throw new TraceException(what + " on " + source + " " + tensor.shape() + " while tracing: a compiled graph"
                + " cannot depend on tensor values (Java control flow over data is invisible to the tracer)."
                + " Keep the traced function to tensor ops" + (what.equals("backward()")
                ? "; Compiled.run differentiates the graph itself, so do not call backward() inside it" : ""));
    }

    /** For listings: the parameters seen so far. */
    @Override
    public String toString() {
        return "Tracer" + Arrays.toString(parameters.toArray());
    }
}
