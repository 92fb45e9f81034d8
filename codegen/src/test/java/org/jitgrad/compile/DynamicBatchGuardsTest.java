package org.jitgrad.compile;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.snapshot.ParameterSnapshot;
import org.jitgrad.snapshot.SnapshotPublisher;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The contract around dynamic dimensions: marking, the guard on the other dimensions, the clear
 * rejection of inputs that disagree, the fallback to one program per shape (said in explain()), a
 * marked axis other than the batch, no allocation per step, and concurrent callers of different sizes.
 */
class DynamicBatchGuardsTest {
    private final Tensor w = Tensor.randn(1, 4, 3).requiresGrad();

    private float[] tape(TensorFn fn, Tensor... in) {
        try (NoGrad ignored = NoGrad.enter()) {
            return fn.apply(in).toArray();
        }
    }

    @Test
    void markedBatchCompilesOnceForRunAndOnceForForward() {
        Compiled step = Compiled.trace(in -> Losses.mse(in[0].matmul(w), in[1])).withDynamicBatch();
        for (int s : new int[] {3, 9, 1, 40}) {
            Tensor x = Tensor.randn(s, s, 4), y = Tensor.randn(s + 1, s, 3);
            float[] expected = tape(in -> Losses.mse(in[0].matmul(w), in[1]), x, y);
            Engines.assertClose("loss at batch " + s, expected, new float[] {step.run(x, y)}, Engines.REL);
        }
        assertEquals(1, step.compileCount());
        for (int s : new int[] {2, 7}) step.forward(Tensor.randn(s, s, 4), Tensor.randn(s, s, 3));
        assertEquals(2, step.compileCount(), "one training program and one forward program");
    }

    /** A reshape's -1 is resolved per trace, so the batch-sized dimension it stands for fits the dynamic program. */
    @Test
    void aReshapeWithMinusOneServesEveryBatchSize() {
        TensorFn fn = in -> in[0].reshape(-1, 2).matmul(w.reshape(2, -1)).sum(1, false);
        Compiled f = Compiled.trace(fn).withDynamicBatch();
        for (int s : new int[] {3, 8, 1, 21}) {
            Tensor x = Tensor.randn(s, s, 4);
            assertArrayEquals(tape(fn, x), f.forward(x).toArray(), 1e-5f, "batch " + s);
        }
        assertEquals(1, f.compileCount(), f.explain());
    }

    @Test
    void otherDimensionsAreGuarded() {
        TensorFn fn = in -> in[0].mul(in[0]).sum(1, false);
        Compiled f = Compiled.trace(fn).withDynamicBatch();
        Tensor a = Tensor.randn(1, 3, 4), b = Tensor.randn(2, 5, 4), c = Tensor.randn(3, 5, 6);
        assertArrayEquals(tape(fn, a), f.forward(a).toArray(), 1e-6f);
        assertArrayEquals(tape(fn, b), f.forward(b).toArray(), 1e-6f);
        assertEquals(1, f.compileCount());
        Tensor out = f.forward(c);
        assertEquals(5, out.shape().dim(0));
        assertArrayEquals(tape(fn, c), out.toArray(), 1e-6f);
        assertEquals(2, f.compileCount(), "a call whose other dimension differs gets a program of its own");
        assertTrue(f.explain().contains("does not fit [s, 4]"), f.explain());
        f.forward(b);
        assertEquals(2, f.compileCount());
    }

    @Test
    void inputsThatDisagreeOnTheBatchAreRejected() {
        Compiled step = Compiled.trace(in -> Losses.mse(in[0].matmul(w), in[1])).withDynamicBatch();
        assertThrowsNaming(IllegalArgumentException.class, () -> step.run(Tensor.randn(1, 5, 4), Tensor.randn(2, 4, 3)),
                "input 0 axis 0 is 5", "input 1 axis 0 is 4", "[5, 4], [4, 3]");
        assertEquals(0, step.compileCount());
        step.run(Tensor.randn(1, 5, 4), Tensor.randn(2, 5, 3));
        assertThrowsNaming(IllegalArgumentException.class, () -> step.run(Tensor.randn(1, 6, 4), Tensor.randn(2, 5, 3)),
                "input 0 axis 0 is 6", "input 1 axis 0 is 5");
        assertEquals(1, step.compileCount());
    }

    @Test
    void badMarksAreRejected() {
        TensorFn fn = in -> in[0].sum();
        assertThrowsNaming(IllegalArgumentException.class, () -> Compiled.trace(fn).withDynamicDim(-1, 0), "input must be >= 0");
        assertThrowsNaming(IllegalArgumentException.class, () -> Compiled.trace(fn).withDynamicDim(1, 0).forward(Tensor.ones(2, 3)),
                "input 1", "1 inputs");
        assertThrowsNaming(IllegalArgumentException.class, () -> Compiled.trace(fn).withDynamicDim(0, 2).forward(Tensor.ones(2, 3)),
                "axis 2 of input 0", "[2, 3]");
        assertThrowsNaming(IllegalArgumentException.class,
                () -> Compiled.trace(in -> in[0].sum().add(in[1])).withDynamicBatch().forward(Tensor.ones(2, 3), Tensor.scalar(1f)),
                "input 1 is a scalar", "withDynamicDim");
        Compiled last = Compiled.trace(fn).withDynamicDim(0, -1);
        assertEquals(6f, last.forward(Tensor.ones(2, 3)).item(), 0f);
        assertEquals(8f, last.forward(Tensor.ones(2, 4)).item(), 0f);
        assertEquals(1, last.compileCount(), "axis -1 is the last axis");
    }

    @Test
    void aConstantOfTheBatchSizeFallsBackToOneProgramPerShape() {
        TensorFn fn = in -> Losses.mse(in[0].matmul(w), Tensor.zeros(in[0].shape().dim(0), 3));
        Compiled step = Compiled.trace(fn);
        for (int s : new int[] {2, 3, 4, 3}) {
            Tensor x = Tensor.randn(s, s, 4);
            Engines.assertClose("loss at batch " + s, tape(fn, x), new float[] {step.run(x)}, Engines.REL);
        }
        assertEquals(3, step.compileCount(), "one program per batch size");
        String explain = step.explain();
        assertTrue(explain.contains("one program per shape") && explain.contains("constant") && explain.contains("depends on the size"),
                explain);
    }

    @Test
    void aGraphThatChangesWithTheBatchSizeFallsBack() {
        TensorFn fn = in -> in[0].shape().dim(0) > 12 ? in[0].tanh().sum() : in[0].relu().sum();
        Compiled f = Compiled.trace(fn);
        for (int s : new int[] {2, 3, 20}) {
            Tensor x = Tensor.randn(s, s, 4);
            assertEquals(tape(fn, x)[0], f.forward(x).item(), 1e-5f, "batch " + s);
        }
        assertEquals(3, f.compileCount());
        assertTrue(f.explain().contains("structure depends on the size"), f.explain());
    }

    @Test
    void aMarkedAxisOtherThanTheBatch() {
        // x [4, s]: the product xᵀx is [s, s], so sizes grow as s²
        TensorFn fn = in -> in[0].transpose().matmul(in[0]).softmax(-1);
        Compiled f = Compiled.trace(fn).withDynamicDim(0, 1);
        for (int s : new int[] {3, 6, 1, 17, 6}) {
            Tensor x = Tensor.randn(s, 4, s);
            Tensor out = f.forward(x);
            assertEquals(org.jitgrad.tensor.Shape.of(s, s), out.shape());
            Engines.assertClose("width " + s, tape(fn, x), out.toArray(), Engines.REL);
        }
        assertEquals(1, f.compileCount());
    }

    @Test
    @Tag("allocation")
    void aStepAllocatesNothingWhateverTheBatchSize() {
        var mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        Sequential model = MLP.of(new int[] {12, 32, 5}, Activation.TANH, 3);
        Compiled step = Compiled.trace(in -> Losses.crossEntropy(model.forward(in[0]), in[1]))
                .withOptimizer(new Adam(model.parameters(), 1e-3f)).withDynamicBatch();
        int[] sizes = {5, 17, 3, 64, 1, 17};
        Tensor[][] inputs = new Tensor[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            inputs[i] = new Tensor[] {Tensor.randn(i, sizes[i], 12), OpCoverageTest.labels(sizes[i], 5)};
        }
        long best = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 30_000_000_000L;  // a loaded 2-core host needs long for C2
        while (best > 0 && System.nanoTime() < deadline) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int r = 0; r < 10; r++) for (Tensor[] in : inputs) step.run(in);
            best = Math.min(best, bean.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(0, best, "bytes allocated by 60 Adam steps cycling through batch sizes " + java.util.Arrays.toString(sizes));
        assertEquals(1, step.compileCount());
    }

    @Test
    void concurrentCallersOfDifferentBatchSizes() throws Exception {
        Sequential model = MLP.of(new int[] {16, 24, 4}, Activation.RELU, 8);
        SnapshotPublisher publisher = new SnapshotPublisher(model.parameters());
        ParameterSnapshot snapshot = publisher.current();
        Compiled infer = Compiled.trace(in -> model.forward(in[0])).withDynamicBatch().withConcurrency(3);
        int threads = 6, calls = 40;
        int[] sizes = {1, 7, 33, 100, 2, 64};
        Tensor[] inputs = new Tensor[threads];
        float[][] expected = new float[threads][];
        for (int t = 0; t < threads; t++) {
            inputs[t] = Tensor.randn(50 + t, sizes[t], 16);
            expected[t] = tape(in -> model.forward(in[0]), inputs[t]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int c = 0; c < calls; c++) {
                        Tensor x = inputs[(id + c) % threads];
                        float[] want = expected[(id + c) % threads];
                        Tensor out = c % 2 == 0 ? infer.forward(x) : infer.forward(snapshot, x);
                        Engines.assertClose("thread " + id + " call " + c + " batch " + x.shape().dim(0), want, out.toArray(), Engines.REL);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, infer.compileCount());
    }
}
