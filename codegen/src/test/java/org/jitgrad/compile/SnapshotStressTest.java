package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.SGD;
import org.jitgrad.snapshot.ParameterSnapshot;
import org.jitgrad.snapshot.SnapshotPublisher;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * One thread trains (compiled, fused SGD) and publishes snapshots; several threads predict from the
 * current snapshot at the same time. Every prediction is recomputed on the tape from the weights of
 * the version it used: none may mix two steps' weights.
 */
class SnapshotStressTest {
    private record Prediction(long version, Tensor input, float[] output) {}

    @Test
    void predictionsNeverMixWeightsWhileTraining() throws Exception {
        int[] sizes = {20, 48, 32, 5};
        Sequential model = MLP.of(sizes, Activation.TANH, 9);
        SnapshotPublisher publisher = new SnapshotPublisher(model.parameters());
        Map<Long, ParameterSnapshot> published = new ConcurrentHashMap<>();
        published.put(1L, publisher.current());
        Compiled train = Compiled.trace(in -> Losses.crossEntropy(model.forward(in[0]), in[1]))
                .withOptimizer(new SGD(model.parameters(), 0.05f, 0.9f));
        Compiled infer = Compiled.trace(in -> model.forward(in[0]));
        Tensor x = Tensor.randn(1, 32, 20);
        Tensor y = OpCoverageTest.labels(32, 5);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        float[] losses = new float[2];

        Thread trainer = new Thread(() -> {
            try {
                losses[0] = train.run(x, y);
                while (!stop.get()) {
                    for (int i = 0; i < 5; i++) losses[1] = train.run(x, y);
                    ParameterSnapshot s = publisher.publish();
                    published.put(s.version(), s);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        int readers = 3;
        List<List<Prediction>> samples = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            List<Prediction> mine = new ArrayList<>();
            samples.add(mine);
            Tensor input = Tensor.randn(50 + r, 8, 20);
            threads.add(new Thread(() -> {
                try {
                    long lastVersion = -1;
                    for (int i = 0; !stop.get(); i++) {
                        ParameterSnapshot s = publisher.current();
                        Tensor out = infer.forward(s, input);
                        // keep the first prediction of every version seen, and every 7th
                        boolean keep = s.version() != lastVersion || i % 7 == 0;
                        if (keep && mine.size() < 3000) mine.add(new Prediction(s.version(), input, out.toArray()));
                        lastVersion = s.version();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        trainer.start();
        threads.forEach(Thread::start);
        Thread.sleep(2500);
        stop.set(true);
        trainer.join(30_000);
        for (Thread t : threads) t.join(30_000);
        if (failure.get() != null) throw new AssertionError("a thread failed", failure.get());

        Sequential check = MLP.of(sizes, Activation.TANH, 0);
        int verified = 0;
        java.util.Set<Long> versions = new java.util.HashSet<>();
        for (List<Prediction> mine : samples) {
            for (Prediction p : mine) {
                published.get(p.version()).copyInto(check.parameters());
                float[] expected;
                try (NoGrad ignored = NoGrad.enter()) {
                    expected = check.forward(p.input()).toArray();
                }
                assertArrayEquals(expected, p.output(), 1e-5f, "prediction from version " + p.version());
                versions.add(p.version());
                verified++;
            }
        }
        assertTrue(published.size() > 20, "training published " + published.size() + " versions");
        assertTrue(versions.size() > 5, "readers saw " + versions.size() + " versions");
        assertTrue(verified > 100, "verified " + verified + " predictions");
        assertTrue(losses[1] < losses[0], "training made progress: loss " + losses[0] + " -> " + losses[1]);
    }
}
