package org.jitgrad.compile;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.compile.autodiff.Autodiff;
import org.jitgrad.compile.emit.ClassEmitter;
import org.jitgrad.compile.emit.Program;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.CausalMasks;
import org.jitgrad.compile.passes.DeadCodeElimination;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.compile.plan.Buffer;
import org.jitgrad.compile.plan.BufferPlan;
import org.jitgrad.compile.symbolic.DimRef;
import org.jitgrad.compile.symbolic.DynamicShapes;
import org.jitgrad.compile.symbolic.NotSymbolicException;
import org.jitgrad.compile.symbolic.Probe;
import org.jitgrad.compile.symbolic.ProbeInputs;
import org.jitgrad.compile.symbolic.ShapeModel;
import org.jitgrad.compile.symbolic.SymbolicExtents;
import org.jitgrad.compile.trace.Tracer;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/**
 * Compiles one program for every value of a dynamic size {@code s}. The function is traced and lowered
 * (differentiated without folding constants, dead code removed) at three sizes; the
 * {@link ShapeModel} fitted from them gives every shape and op parameter as a function of {@code s},
 * and the fused steps;
 * the largest lowering is planned and emitted with the sizes that depend on {@code s} read from a
 * size table at run time ({@link SymbolicExtents}). The program is then checked at the call's own size.
 */
final class SymbolicCompiler {
    private SymbolicCompiler() {}

    /**
     * @param dims the input dimensions that are {@code s}, all equal in {@code inputs}
     * @throws NotSymbolicException if the function cannot be compiled once for every size; the caller
     *                              compiles this shape alone instead
     */
    static Specialization compile(TensorFn fn, Tensor[] inputs, List<DimRef> dims, boolean training, Optimizer optimizer,
                                  GradClip clip, int concurrency) throws NotSymbolicException {
        int[] sizes = ProbeInputs.sizes(inputs, dims);
        List<Probe> probes = new ArrayList<>();
        for (int p : sizes) probes.add(lower(fn, ProbeInputs.at(inputs, dims, p), p, training));
        ShapeModel model = ShapeModel.fit(probes);
        Probe primary = model.primary();
        Graph graph = primary.graph();
        List<Step> steps = model.steps();
        IrNode out = graph.output();
        BufferPlan plan = BufferPlan.plan(graph, steps, model::sameSize);
        if (plan.of(out).kind() == Buffer.Kind.INPUT) throw new NotSymbolicException("the function returns an input unchanged");

        StringBuilder explain = new StringBuilder();
        explain.append("== dynamic dimension s = ").append(dims).append(": one program for every s >= 1 (traced at s = ")
                .append(sizes[0]).append(", ").append(sizes[1]).append(", ").append(sizes[2]).append(") ==\n");
        explain.append("== IR (traced").append(training ? " + backward, dead code removed" : ", dead code removed")
                .append("), shapes in s ==\n").append(model.listing());
        explain.append("== steps after fusion (shapes at s = ").append(primary.size()).append(") ==\n");
        for (Step s : steps) explain.append("  ").append(s.describe()).append('\n');
        explain.append("== buffer plan (at s = ").append(primary.size())
                .append("; the slots are sized for the largest s seen, grown by doubling) ==\n").append(plan.describe());

        List<Tensor> params = primary.parameters();
        int[] optimizerIndex = optimizer == null ? null : Compiler.optimizerIndex(params, optimizer);
        int[] clippedSlots = training && clip != null ? Compiler.clippedSlots(optimizerIndex, params.size()) : null;
        if (clippedSlots != null) {
            explain.append("== fused: gradients of ").append(clippedSlots.length)
                    .append(" parameters clipped to total norm ").append(clip.maxNorm()).append(" ==\n");
        }
        if (optimizerIndex != null) explain.append("== fused: ").append(optimizer.getClass().getSimpleName()).append(" update ==\n");
        SymbolicExtents extents = new SymbolicExtents(model);
        ClassEmitter.Emitted emitted = ClassEmitter.emit(new Program(graph, steps, plan, training, optimizerIndex, clippedSlots, extents));

        Shape[] shapes = new Shape[inputs.length];
        for (int i = 0; i < shapes.length; i++) shapes[i] = inputs[i].shape();
        DynamicShapes dynamic = new DynamicShapes(dims, shapes, model, plan, extents.terms());
        String why = dynamic.mismatch(inputs);
        if (why != null) throw new NotSymbolicException("the program for every s does not hold for this call: " + why);
        dynamic.capacityFor(dynamic.sizeOf(inputs));
        explain.append("== size table: ").append(dynamic.describeTable()).append(" ==\n");
        explain.append("== generated class ").append(emitted.name()).append(" (").append(emitted.bytes().length)
                .append(" bytes) ==\n");

        Tensor[] grads = null;
        if (training) {
            grads = new Tensor[params.size()];
            for (int i = 0; i < grads.length; i++) grads[i] = Tensor.zeros(params.get(i).shape().dims());
        }
        return new Specialization(shapes, emitted, plan, params, grads, optimizer, clippedSlots == null ? null : clip, out,
                explain.toString(), training ? 1 : concurrency, new AssumedConstants(CausalMasks.reliedOn(graph, steps)), dynamic);
    }

    /** Traces and lowers the function on inputs of size {@code size}. */
    private static Probe lower(TensorFn fn, Tensor[] inputs, int size, boolean training) throws NotSymbolicException {
        Tracer.Trace trace;
        try {
            trace = Tracer.trace(fn, inputs);
        } catch (RuntimeException e) {
            throw new NotSymbolicException("tracing at s=" + size + " failed: " + e.getMessage());
        }
        Graph graph = trace.graph();
        if (training && graph.output().shape().size() != 1) {
            throw new NotSymbolicException("the function returns " + graph.output().shape() + " at s=" + size + ", not a scalar loss");
        }
        if (training) Autodiff.differentiate(graph, false);
        DeadCodeElimination.run(graph);
        return new Probe(size, graph, trace.parameters());
    }
}
