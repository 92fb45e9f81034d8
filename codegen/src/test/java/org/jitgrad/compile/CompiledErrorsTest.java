package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jitgrad.autograd.Eager;
import org.jitgrad.nn.Losses;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.GradBuilder;
import org.jitgrad.ops.Op;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Each misuse gets its own exception with a message naming the culprit, and the Compiled keeps working. */
class CompiledErrorsTest {
    private final Tensor w = Tensor.randn(1, 4, 3).requiresGrad();
    private final Compiled step = Compiled.trace(in -> Losses.mse(in[0].matmul(w), in[1]));
    private final Tensor x = Tensor.randn(2, 5, 4);
    private final Tensor y = Tensor.randn(3, 5, 3);

    private void stillWorks() {
        float loss = step.run(x, y);
        assertTrue(Float.isFinite(loss));
    }

    /** An optimizer of the caller's own that lists a parameter twice: its step() updates it twice, the fused update would once. */
    @Test
    void optimizerListingAParameterTwiceIsRejected() {
        Optimizer twice = new Optimizer() {
            public List<Tensor> parameters() { return List.of(w, w); }
            public void beginStep() {}
            public void update(int index, float[] param, float[] grad) {}
            public float learningRate() { return 0.1f; }
            public void setLearningRate(float lr) {}
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.withOptimizer(twice));
        assertTrue(e.getMessage().contains("parameter 1 [4, 3]") && e.getMessage().contains("parameter 0"), e.getMessage());
        stillWorks();
    }

    /** The tape would give an input marked requiresGrad() its gradient; the compiled step gave it none, silently. */
    @Test
    void aParameterPassedAsAnInputIsRejected() {
        Tensor asInput = Tensor.randn(4, 5, 4).requiresGrad();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.run(asInput, y));
        assertTrue(e.getMessage().contains("input 0 [5, 4]") && e.getMessage().contains("requiresGrad()"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> step.compile(asInput, y));
        assertEquals(0, step.compileCount(), "rejected before tracing");
        assertTrue(step.forward(asInput, y).size() == 1, "forward computes no gradient and takes it");
        stillWorks();
    }

    @Test
    void wrongNumberOfInputs() {
        step.run(x, y);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.run(x));
        assertTrue(e.getMessage().contains("expected 2 inputs") && e.getMessage().contains("got 1"), e.getMessage());
        stillWorks();
    }

    @Test
    void inputOfAnotherRank() {
        step.run(x, y);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.run(Tensor.randn(4, 2, 5, 4), y));
        assertTrue(e.getMessage().contains("input 0") && e.getMessage().contains("[2, 5, 4]") && e.getMessage().contains("rank 2"),
                e.getMessage());
        stillWorks();
    }

    @Test
    void newBatchSizeCompilesASecondSpecialization() {
        step.run(x, y);
        step.run(Tensor.randn(5, 7, 4), Tensor.randn(6, 7, 3));
        step.run(x, y);
        assertEquals(2, step.compileCount());
        assertEquals(1, step.cacheHits());
        step.run(Tensor.randn(7, 9, 4), Tensor.randn(8, 9, 3));
        assertEquals(2, step.compileCount(), "a third batch size runs the program for every batch size");
        assertTrue(step.explain().contains("dynamic dimension s"), "the second batch size made the batch dynamic: " + step.explain());
        Compiled perShape = step.withStaticShapes();
        perShape.run(x, y);
        perShape.run(Tensor.randn(5, 7, 4), Tensor.randn(6, 7, 3));
        perShape.run(Tensor.randn(7, 9, 4), Tensor.randn(8, 9, 3));
        assertEquals(3, perShape.compileCount(), "withStaticShapes: one program per shape");
    }

    @Test
    void nonScalarLossForRun() {
        Compiled notALoss = Compiled.trace(in -> in[0].matmul(w));
        TraceException e = assertThrows(TraceException.class, () -> notALoss.run(x));
        assertTrue(e.getMessage().contains("scalar loss") && e.getMessage().contains("[5, 3]"), e.getMessage());
        assertEquals(0, notALoss.compileCount());
        assertEquals(5, notALoss.forward(x).shape().dim(0), "forward() still works on the same Compiled");
    }

    @Test
    void returningAParameterItself() {
        Compiled identity = Compiled.trace(in -> w);
        TraceException e = assertThrows(TraceException.class, () -> identity.forward(x));
        assertTrue(e.getMessage().contains("returned a parameter [4, 3] itself"), e.getMessage());
        stillWorks();
    }

    @Test
    void readingAValueWhileTracing() {
        Compiled dataDependent = Compiled.trace(in -> {
            Tensor h = in[0].matmul(w);
            return h.sum().item() > 0 ? h.relu().sum() : h.sum();
        });
        TraceException e = assertThrows(TraceException.class, () -> dataDependent.run(x));
        assertTrue(e.getMessage().contains("item()") && e.getMessage().contains("SUM")
                && e.getMessage().contains("cannot depend on tensor values"), e.getMessage());
        Compiled arrays = Compiled.trace(in -> Tensor.of(in[0].toArray(), 5, 4).matmul(w).sum());
        TraceException e2 = assertThrows(TraceException.class, () -> arrays.run(x));
        assertTrue(e2.getMessage().contains("toArray()") && e2.getMessage().contains("input"), e2.getMessage());
    }

    @Test
    void backwardInsideTheTracedFunction() {
        Compiled bad = Compiled.trace(in -> {
            Tensor loss = in[0].matmul(w).sum();
            loss.backward();
            return loss;
        });
        TraceException e = assertThrows(TraceException.class, () -> bad.run(x));
        assertTrue(e.getMessage().contains("backward()"), e.getMessage());
    }

    /** An op from outside the runtime's vocabulary. */
    private enum Custom implements Op {
        DOUBLE_IT;

        @Override public int arity() { return 1; }
        @Override public Shape outputShape(OpParams params, Shape... in) { return in[0]; }
        @Override public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            for (int i = 0; i < os.size(); i++) out[i] = 2 * in[0][i];
        }
        @Override public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> in, T y, T g, boolean[] needs) {
            return List.of(b.scale(g, 2f));
        }
    }

    /** An op the compiler has never heard of compiles through its own forward kernel (the default lowering). */
    @Test
    void customOpCompilesThroughItsOwnKernel() {
        TensorFn fn = in -> Eager.apply(Custom.DOUBLE_IT, OpParams.NONE, in[0].matmul(w)).sum();
        Compiled custom = Compiled.trace(fn);
        float compiled = custom.run(x);
        assertEquals(fn.apply(new Tensor[] {x}).item(), compiled, 1e-4f);
        assertTrue(custom.explain().contains("double_it"), custom.explain());
        assertEquals(1, custom.compileCount());
    }

    @Test
    void badLabelsAreRejectedBeforeAnythingChanges() {
        Tensor logitsW = Tensor.randn(7, 4, 3).requiresGrad();
        Compiled ce = Compiled.trace(in -> Losses.crossEntropy(in[0].matmul(logitsW), in[1]));
        ce.run(x, Tensor.of(new float[] {0, 1, 2, 1, 0}, 5));
        float[] gradBefore = logitsW.grad().toArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ce.run(x, Tensor.of(new float[] {0, 1, 3, 1, 0}, 5)));
        assertTrue(e.getMessage().contains("row 2") && e.getMessage().contains("3.0"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertArrayEquals(gradBefore, logitsW.grad().toArray(), 0f);
        ce.run(x, Tensor.of(new float[] {0, 1, 2, 1, 0}, 5));
    }

    @Test
    void cacheEvictsTheLeastRecentlyUsedPastItsBound() {
        Compiled small = step.withStaticShapes().withCacheSize(2);  // one program per batch size, to fill the cache
        Tensor[] xs = new Tensor[4];
        Tensor[] ys = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            xs[i] = Tensor.randn(i, i + 1, 4);
            ys[i] = Tensor.randn(10 + i, i + 1, 3);
        }
        small.run(xs[0], ys[0]);
        small.run(xs[1], ys[1]);
        small.run(xs[0], ys[0]);       // hit; batch 2 is now the least recently used
        small.run(xs[2], ys[2]);       // evicts batch 2
        assertEquals(3, small.compileCount());
        small.run(xs[0], ys[0]);       // still cached
        assertEquals(3, small.compileCount());
        small.run(xs[1], ys[1]);       // was evicted: compiled again
        assertEquals(4, small.compileCount());
        assertEquals(2, small.cacheHits());
        assertThrows(IllegalArgumentException.class, () -> step.withCacheSize(0));
    }
}
