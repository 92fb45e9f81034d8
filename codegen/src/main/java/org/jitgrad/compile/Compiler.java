package org.jitgrad.compile;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.compile.autodiff.Autodiff;
import org.jitgrad.compile.emit.ClassEmitter;
import org.jitgrad.compile.emit.Program;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.CausalMasks;
import org.jitgrad.compile.passes.CausalSoftmax;
import org.jitgrad.compile.passes.DeadCodeElimination;
import org.jitgrad.compile.passes.Fusion;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.compile.passes.StridedViews;
import org.jitgrad.compile.plan.Buffer;
import org.jitgrad.compile.plan.BufferPlan;
import org.jitgrad.compile.trace.Tracer;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/** Runs the pipeline for one input-shape signature: trace, autodiff, passes, plan, emit. */
final class Compiler {
    private Compiler() {}

    /** {@code optimizer} and {@code clip} are fused into a training program when not null. */
    static Specialization compile(TensorFn fn, Tensor[] inputs, boolean training, Optimizer optimizer, GradClip clip,
                                  int concurrency) {
        return compile(fn, inputs, training, optimizer, clip, concurrency, false);
    }

    /**
     * The training program (forward and backward, no update) of one shard of a data-parallel step.
     *
     * @throws TraceException if the function draws random numbers (the shards would draw the same masks)
     */
    static Specialization compileShard(TensorFn fn, Tensor[] shard) {
        return compile(fn, shard, true, null, null, 1, true);
    }

    private static Specialization compile(TensorFn fn, Tensor[] inputs, boolean training, Optimizer optimizer,
                                          GradClip clip, int concurrency, boolean shard) {
        Tracer.Trace trace = Tracer.trace(fn, inputs);
        Graph graph = trace.graph();
        if (shard) {
            for (IrNode n : graph.nodes()) {
                if (n.kind() == IrNode.Kind.OP && n.op() instanceof org.jitgrad.ops.RandomOp) {
                    throw new TraceException("withDataParallel: the function draws random numbers (" + n.op()
                            + "); its shards would draw the same masks, so it cannot be split across replicas");
                }
            }
        }
        IrNode out = graph.output();
        if (training && out.shape().size() != 1) {
            throw new TraceException("run() needs a function that returns a scalar loss, but it returned shape "
                    + out.shape() + "; use forward() for other outputs");
        }
        StringBuilder explain = new StringBuilder();
        if (training) Autodiff.differentiate(graph);
        explain.append("== IR (traced").append(training ? " + backward" : "").append(") ==\n").append(graph.listing());
        int removed = DeadCodeElimination.run(graph);
        List<Step> steps = CausalSoftmax.run(graph, StridedViews.run(graph, Fusion.run(graph)));
        explain.append("== steps after fusion (").append(removed).append(" dead nodes removed) ==\n");
        for (Step s : steps) explain.append("  ").append(s.describe()).append('\n');
        BufferPlan plan = BufferPlan.plan(graph, steps);
        explain.append("== buffer plan ==\n").append(plan.describe());

        List<Tensor> params = trace.parameters();
        int[] optimizerIndex = optimizer == null ? null : optimizerIndex(params, optimizer);
        int[] clippedSlots = training && clip != null ? clippedSlots(optimizerIndex, params.size()) : null;
        if (clippedSlots != null) {
            explain.append("== fused: gradients of ").append(clippedSlots.length)
                    .append(" parameters clipped to total norm ").append(clip.maxNorm()).append(" ==\n");
        }
        if (optimizerIndex != null) explain.append("== fused: ").append(optimizer.getClass().getSimpleName()).append(" update ==\n");
        ClassEmitter.Emitted emitted = ClassEmitter.emit(new Program(graph, steps, plan, training, optimizerIndex, clippedSlots));
        explain.append("== generated class ").append(emitted.name()).append(" (").append(emitted.bytes().length)
                .append(" bytes) ==\n");

        Tensor[] grads = null;
        if (training) {
            grads = new Tensor[params.size()];
            for (int i = 0; i < grads.length; i++) grads[i] = Tensor.zeros(params.get(i).shape().dims());
        }
        if (plan.of(out).kind() == Buffer.Kind.INPUT) {
            throw new TraceException("the traced function returns its input " + plan.of(out).index() + " unchanged");
        }
        Shape[] shapes = new Shape[inputs.length];
        for (int i = 0; i < shapes.length; i++) shapes[i] = inputs[i].shape();
        return new Specialization(shapes, emitted, plan, params, grads, optimizer, clippedSlots == null ? null : clip, out,
                explain.toString(), training ? 1 : concurrency, new AssumedConstants(CausalMasks.reliedOn(graph, steps)));
    }

    /**
     * The parameter slots whose gradients are clipped: those the fused optimizer updates, in the
     * optimizer's order (so the sum of squares adds up in the order the tape's
     * {@code clipGradNorm(optimizer.parameters(), ...)} uses), or every traced parameter without one.
     */
    static int[] clippedSlots(int[] optimizerIndex, int paramCount) {
        if (optimizerIndex == null) {
            int[] all = new int[paramCount];
            for (int i = 0; i < paramCount; i++) all[i] = i;
            return all;
        }
        List<Integer> managed = new ArrayList<>();
        for (int slot = 0; slot < optimizerIndex.length; slot++) if (optimizerIndex[slot] >= 0) managed.add(slot);
        managed.sort((a, b) -> Integer.compare(optimizerIndex[a], optimizerIndex[b]));
        return managed.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] optimizerIndex(List<Tensor> params, Optimizer optimizer) {
        Map<Tensor, Integer> index = new IdentityHashMap<>();
        List<Tensor> managed = new ArrayList<>(optimizer.parameters());
        for (int i = 0; i < managed.size(); i++) index.put(managed.get(i), i);
        int[] result = new int[params.size()];
        for (int i = 0; i < result.length; i++) result[i] = index.getOrDefault(params.get(i), -1);
        return result;
    }
}
