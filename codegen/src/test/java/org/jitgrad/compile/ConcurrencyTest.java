package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The threading contract: concurrent forward() calls each get their own buffers; concurrent run() is rejected. */
class ConcurrencyTest {
    @Test
    void manyThreadsForwardAtOnceWithoutMixingBuffers() throws Exception {
        Sequential model = ReferenceModels.MNIST.model(5);
        Compiled infer = Compiled.trace(in -> model.forward(in[0])).withConcurrency(3);
        int threads = 8, calls = 60;
        Tensor[] inputs = new Tensor[threads];
        float[][] expected = new float[threads][];
        try (NoGrad ignored = NoGrad.enter()) {
            for (int t = 0; t < threads; t++) {
                inputs[t] = Tensor.randn(100 + t, 16, 784);
                expected[t] = model.forward(inputs[t]).toArray();
            }
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
                        assertArrayEquals(expected[id], infer.forward(inputs[id]).toArray(), 1e-5f, "thread " + id + " call " + c);
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
        assertEquals(threads * calls - 1, infer.cacheHits());
    }

    /** Blocks the first step that begins after {@code gate} is set inside the generated code (the fused update's beginStep) until released. */
    private static final class GateOptimizer implements Optimizer {
        final SGD inner;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean gate;

        GateOptimizer(SGD inner) { this.inner = inner; }

        @Override public List<Tensor> parameters() { return inner.parameters(); }
        @Override public void update(int index, float[] p, float[] g) { inner.update(index, p, g); }
        @Override public float learningRate() { return inner.learningRate(); }
        @Override public void setLearningRate(float lr) { inner.setLearningRate(lr); }

        @Override
        public void beginStep() {
            if (gate) {
                gate = false;
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            inner.beginStep();
        }
    }

    @Test
    void aSecondConcurrentRunIsRejectedNotComputedWrongly() throws Exception {
        Sequential model = ReferenceModels.TINY.model(5);
        GateOptimizer gate = new GateOptimizer(new SGD(model.parameters(), 0.01f, 0.9f));
        Compiled train = Compiled.trace(ReferenceModels.TINY.loss(model)).withOptimizer(gate);
        Tensor x = ReferenceModels.TINY.input(1), y = ReferenceModels.TINY.target(2);
        train.run(x, y);
        gate.gate = true;
        Thread first = new Thread(() -> train.run(x, y));
        first.start();
        assertTrue(gate.entered.await(30, TimeUnit.SECONDS));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> train.run(x, y));
        assertTrue(e.getMessage().contains("already running on another thread"), e.getMessage());
        gate.gate = false;
        gate.release.countDown();
        first.join(30_000);
        assertTrue(Float.isFinite(train.run(x, y)), "usable again once the first call returned");
    }

    /**
     * Programs of two shapes update the same parameters and optimizer state: a run of one shape while another shape's
     * runs is rejected too (each program's own busy flag let the two update the parameters at once).
     */
    @Test
    void aConcurrentRunOfAnotherShapeIsRejectedToo() throws Exception {
        Sequential model = ReferenceModels.TINY.model(7);
        GateOptimizer gate = new GateOptimizer(new SGD(model.parameters(), 0.01f, 0.9f));
        Compiled train = Compiled.trace(ReferenceModels.TINY.loss(model)).withOptimizer(gate).withStaticShapes();
        Tensor x = ReferenceModels.TINY.input(1), y = ReferenceModels.TINY.target(2);
        Tensor x2 = x.slice(0, 0, 3), y2 = y.slice(0, 0, 3);
        train.compile(x, y).compile(x2, y2);
        gate.gate = true;
        Thread first = new Thread(() -> train.run(x, y));
        first.start();
        assertTrue(gate.entered.await(30, TimeUnit.SECONDS));
        float[] during = model.parameters().get(0).toArray();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> train.run(x2, y2));
        assertTrue(e.getMessage().contains("already running on another thread"), e.getMessage());
        assertArrayEquals(during, model.parameters().get(0).toArray(), "the rejected call updated nothing");
        gate.gate = false;
        gate.release.countDown();
        first.join(30_000);
        assertTrue(Float.isFinite(train.run(x2, y2)), "usable again once the first call returned");
        assertEquals(2, train.compileCount());
    }

    @Test
    void lossStaysCorrectAfterRejectedCalls() {
        Sequential model = ReferenceModels.TINY.model(6);
        Compiled step = Compiled.trace(ReferenceModels.TINY.loss(model));
        Tensor x = ReferenceModels.TINY.input(1), y = ReferenceModels.TINY.target(2);
        float expected = Losses.mse(model.forward(x), y).item();
        assertEquals(expected, step.run(x, y), 1e-6f);
    }
}
