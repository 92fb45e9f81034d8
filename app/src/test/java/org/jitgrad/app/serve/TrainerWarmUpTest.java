package org.jitgrad.app.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.snapshot.SnapshotPublisher;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TrainerWarmUpTest {
    private static final int BATCH = 8;

    private record Rig(Sequential net, Adam adam, ExampleQueue queue, Trainer trainer) {}

    private static Rig rig() {
        Sequential net = TrainingServerTest.SPEC.build(3);
        Adam adam = new Adam(net.parameters(), 0.01f);
        ExampleQueue queue = new ExampleQueue(64, TrainingServerTest.FEATURES);
        ServeConfig config = ServeConfig.defaults().withBatch(BATCH).withAverageDecay(0);
        Trainer t = new Trainer(config, TrainingServerTest.SPEC, net, net, adam, queue, new SnapshotPublisher(net.parameters()),
                new PrintWriter(new StringWriter()), System.nanoTime());
        return new Rig(net, adam, queue, t);
    }

    private static float[][] values(List<Tensor> ps) {
        return ps.stream().map(p -> p.storage().clone()).toArray(float[][]::new);
    }

    @Test
    void warmUpLeavesNoTraceAndLaterTrainingMatchesAColdTrainerBitForBit() {
        Rig warm = rig(), cold = rig();
        float[][] before = values(warm.net().parameters());
        int steps = warm.trainer().warmUp(30, 10_000_000_000L);
        assertEquals(30, steps);
        assertEquals(1, warm.trainer().compileCount(), "one program for batch 8 and the partial sizes 1, 2, 4");
        float[][] after = values(warm.net().parameters());
        for (int i = 0; i < before.length; i++) assertArrayEquals(before[i], after[i], "parameter " + i);
        assertEquals(0, warm.adam().stepCount());
        for (int i = 0; i < before.length; i++) {
            float[] zeros = new float[before[i].length];
            assertArrayEquals(zeros, warm.adam().firstMoment(i));
            assertArrayEquals(zeros, warm.adam().secondMoment(i));
        }

        Random rnd = new Random(5);
        int rows = 37;  // 4 full batches and a partial step of 5
        float[] x = new float[rows * TrainingServerTest.FEATURES], y = new float[rows];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < rows; i++) y[i] = rnd.nextInt(TrainingServerTest.CLASSES);
        for (Rig r : List.of(warm, cold)) {
            r.queue().offer(new CsvRows.Rows(x, y, rows, TrainingServerTest.FEATURES));
            r.queue().close();
            r.trainer().run();
        }
        float[][] a = values(warm.net().parameters()), b = values(cold.net().parameters());
        for (int i = 0; i < a.length; i++) assertArrayEquals(b[i], a[i], "parameter " + i + " after training");
        assertFalse(Arrays.equals(before[0], a[0]), "the training after warm-up did change the weights");
    }
}
