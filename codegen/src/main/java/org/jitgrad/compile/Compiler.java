package org.jitgrad.compile;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.compile.autodiff.Autodiff;
import org.jitgrad.compile.emit.ClassEmitter;
import org.jitgrad.compile.emit.GeneratedStep;
import org.jitgrad.compile.emit.Program;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.DeadCodeElimination;
import org.jitgrad.compile.passes.Fusion;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.compile.plan.Buffer;
import org.jitgrad.compile.plan.BufferPlan;
import org.jitgrad.compile.trace.Tracer;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/** Runs the pipeline for one input-shape signature: trace, autodiff, passes, plan, emit. */
final class Compiler {
    private Compiler() {}

    static Specialization compile(TensorFn fn, Tensor[] inputs, boolean training, Optimizer optimizer) {
        Tracer.Trace trace = Tracer.trace(fn, inputs);
        Graph graph = trace.graph();
        IrNode out = graph.output();
        if (training && out.shape().size() != 1) {
            throw new TraceException("run() needs a function that returns a scalar loss, but it returned shape "
                    + out.shape() + "; use forward() for other outputs");
        }
        StringBuilder explain = new StringBuilder();
        if (training) Autodiff.differentiate(graph);
        explain.append("== IR (traced").append(training ? " + backward" : "").append(") ==\n").append(graph.listing());
        int removed = DeadCodeElimination.run(graph);
        List<Step> steps = Fusion.run(graph);
        explain.append("== steps after fusion (").append(removed).append(" dead nodes removed) ==\n");
        for (Step s : steps) explain.append("  ").append(s.describe()).append('\n');
        BufferPlan plan = BufferPlan.plan(graph, steps);
        explain.append("== buffer plan ==\n").append(plan.describe());

        List<Tensor> params = trace.parameters();
        int[] optimizerIndex = optimizer == null ? null : optimizerIndex(params, optimizer);
        ClassEmitter.Emitted emitted = ClassEmitter.emit(new Program(graph, steps, plan, training, optimizerIndex));
        explain.append("== generated class ").append(emitted.name()).append(" (").append(emitted.bytes().length)
                .append(" bytes) ==\n");

        Tensor[] grads = training ? new Tensor[params.size()] : null;
        float[][] buffers = new float[emitted.fields().size()][];
        int[] arena = plan.arenaSizes();
        float[][] arenaArrays = new float[arena.length][];
        for (int i = 0; i < arena.length; i++) arenaArrays[i] = new float[arena[i]];
        for (int f = 0; f < buffers.length; f++) {
            Buffer b = emitted.fields().get(f);
            buffers[f] = switch (b.kind()) {
                case INPUT -> null;
                case PARAM -> params.get(b.index()).storage();
                case GRAD -> {
                    Tensor p = params.get(b.index());
                    grads[b.index()] = Tensor.zeros(p.shape().dims());
                    yield grads[b.index()].storage();
                }
                case CONST -> plan.constants().get(b.index());
                case ARENA -> arenaArrays[b.index()];
            };
        }
        GeneratedStep instance = emitted.instantiate(buffers, optimizer);
        Buffer outBuffer = plan.of(out);
        float[] output = switch (outBuffer.kind()) {
            case ARENA -> arenaArrays[outBuffer.index()];
            case CONST -> plan.constants().get(outBuffer.index());
            case PARAM -> params.get(outBuffer.index()).storage();
            case INPUT -> throw new TraceException("the traced function returns its input " + outBuffer.index() + " unchanged");
            case GRAD -> grads[outBuffer.index()].storage();
        };
        Shape[] shapes = new Shape[inputs.length];
        for (int i = 0; i < shapes.length; i++) shapes[i] = inputs[i].shape();
        return new Specialization(shapes, instance, params, grads, output, out.shape(), explain.toString());
    }

    private static int[] optimizerIndex(List<Tensor> params, Optimizer optimizer) {
        Map<Tensor, Integer> index = new IdentityHashMap<>();
        List<Tensor> managed = new ArrayList<>(optimizer.parameters());
        for (int i = 0; i < managed.size(); i++) index.put(managed.get(i), i);
        int[] result = new int[params.size()];
        for (int i = 0; i < result.length; i++) result[i] = index.getOrDefault(params.get(i), -1);
        return result;
    }
}
