package org.jitgrad.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Random;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.checkpoint.NamedArray;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.snapshot.ParameterSnapshot;
import org.jitgrad.snapshot.SnapshotPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch that makes the loss NaN is undone instead of poisoning the weights, the snapshots and the checkpoint. */
class TrainerRollbackTest {
    private static final int BATCH = 8, F = TrainingServerTest.FEATURES;

    @TempDir
    Path dir;

    private static boolean finite(float[] a) {
        for (float v : a) if (!Float.isFinite(v)) return false;
        return true;
    }

    private static void offer(ExampleQueue q, int rows, float value, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[rows * F], y = new float[rows];
        for (int i = 0; i < x.length; i++) x[i] = Float.isNaN(value) ? (float) rnd.nextGaussian() : value;
        for (int i = 0; i < rows; i++) y[i] = rnd.nextInt(TrainingServerTest.CLASSES);
        assertEquals(ExampleQueue.Offer.ACCEPTED, q.offer(x, y, rows));
    }

    @Test
    void aStepWithANonFiniteLossIsRolledBackAndTrainingGoesOn() throws Exception {
        Sequential net = TrainingServerTest.SPEC.build(3), served = TrainingServerTest.SPEC.build(3);
        Adam adam = new Adam(net.parameters(), 0.01f);
        ExampleQueue queue = new ExampleQueue(256, F);
        SnapshotPublisher publisher = new SnapshotPublisher(served.parameters());
        Path ckpt = dir.resolve("t.ckpt");
        ServeConfig config = ServeConfig.defaults().withBatch(BATCH).withPublishEvery(2).withSave(ckpt, 0);
        StringWriter log = new StringWriter();
        Trainer t = new Trainer(config, TrainingServerTest.SPEC, net, served, adam, queue, publisher, new PrintWriter(log), System.nanoTime());
        offer(queue, 4 * BATCH, Float.NaN, 1);                 // good rows: 4 steps, published after 2 and 4
        offer(queue, BATCH, Float.POSITIVE_INFINITY, 2);       // what 3e38 standardized to before CsvRows refused it: NaN loss
        offer(queue, 3 * BATCH, Float.NaN, 3);                 // good again
        queue.close();
        t.run();

        assertEquals(null, t.failure());
        assertEquals(1, t.nonFiniteLosses.get(), log.toString());
        assertEquals(BATCH, t.rolledBackExamples.get(), "only the bad batch: the last publication was just before it");
        assertEquals(7, t.steps(), "the bad step is not counted as a step");
        assertEquals(8L * BATCH, queue.ledger().trained(), "every taken example leaves the queue's books");
        for (int i = 0; i < net.parameters().size(); i++) {
            assertTrue(finite(net.parameters().get(i).storage()), "live parameter " + i);
            assertTrue(finite(served.parameters().get(i).storage()), "served parameter " + i);
            assertTrue(finite(adam.firstMoment(i)) && finite(adam.secondMoment(i)), "Adam moments of parameter " + i);
        }
        assertEquals(7, adam.stepCount(), "Adam's step count went back too");
        ParameterSnapshot s = publisher.current();
        for (int i = 0; i < s.size(); i++) assertTrue(finite(s.values(i)), "published parameter " + i);
        assertTrue(log.toString().matches("(?s).*the training loss became (NaN|-?Infinity) after step 4; went back to the weights"
                + " last published \\(undoing 1 steps on 8 examples\\).*"), log.toString());
        assertTrue(t.save(ckpt, false));
        for (NamedArray a : CheckpointFile.load(ckpt).parameters()) assertTrue(finite(a.values()), a.name() + " in the checkpoint");
    }
}
