package org.jitgrad.optim;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link LrSchedule}: constant, and nanoGPT's warm-up plus cosine decay. */
class LrScheduleTest {
    // nanoGPT's shakespeare-char numbers, shortened: lr 1e-3, min 1e-4, warm-up 10, decay until 110
    private final LrSchedule nano = LrSchedule.warmupCosine(1e-3f, 1e-4f, 10, 110);

    @Test
    void constant() {
        LrSchedule c = LrSchedule.constant(0.25f);
        for (long t : new long[] {0, 1, 1_000_000_000_000L}) assertEquals(0.25f, c.rate(t));
    }

    // the float settings as doubles: the schedule computes in double and rounds once
    private static final double MAX = 1e-3f, MIN = 1e-4f;

    @Test
    void warmupIsLinearFromStepZero() {
        // get_lr(it) = learning_rate * (it + 1) / (warmup_iters + 1) for it < warmup_iters
        assertEquals((float) (MAX / 11), nano.rate(0), 0f);
        assertEquals((float) (MAX * 5 / 11), nano.rate(4), 0f);
        assertEquals((float) (MAX * 10 / 11), nano.rate(9), 0f);
    }

    @Test
    void cosineFromMaxToMin() {
        assertEquals(1e-3f, nano.rate(10), 0f, "ratio 0: coeff 1, the full rate");
        // ratio 0.5: coeff 0.5, halfway between the bounds (cos(pi/2) is 6e-17, not 0)
        assertEquals((float) (MIN + 0.5 * (MAX - MIN)), nano.rate(60), Math.ulp(5e-4f));
        // ratio 0.25: coeff 0.5 (1 + cos(pi/4)) = 0.853553...
        assertEquals((float) (MIN + 0.8535533905932737 * (MAX - MIN)), nano.rate(35), Math.ulp(8e-4f));
        assertEquals(1e-4f, nano.rate(110), 0f, "ratio 1: the minimum");
        assertEquals(1e-4f, nano.rate(111), 0f);
        assertEquals(1e-4f, nano.rate(1_000_000), 0f);
        for (long t = 10; t < 110; t++) assertTrue(nano.rate(t + 1) <= nano.rate(t), "non-increasing at " + t);
    }

    @Test
    void noWarmup() {
        LrSchedule s = LrSchedule.warmupCosine(2f, 1f, 0, 4);
        assertEquals(2f, s.rate(0), 0f);
        assertEquals(1.5, s.rate(2), 1e-7);
        assertEquals(1f, s.rate(5), 0f);
    }

    @Test
    void applyToSetsTheOptimizersRate() {
        Adam adam = new Adam(List.of(Tensor.ones(2).requiresGrad()), 0.5f);
        assertEquals(nano.rate(3), nano.applyTo(adam, 3), 0f);
        assertEquals(nano.rate(3), adam.learningRate(), 0f);
    }

    @Test
    void badSettings() {
        assertThrowsNaming(IllegalArgumentException.class, () -> LrSchedule.constant(0f), "LrSchedule.constant", "lr", "0.0");
        assertThrowsNaming(IllegalArgumentException.class, () -> LrSchedule.constant(Float.NaN), "lr", "NaN");
        assertThrowsNaming(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(-1f, 1e-4f, 10, 100),
                "warmupCosine", "maxLr", "-1.0");
        assertThrowsNaming(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3f, 0f, 10, 100),
                "warmupCosine", "minLr", "0.0");
        assertThrowsNaming(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3f, 2e-3f, 10, 100),
                "warmupCosine", "minLr 0.002", "maxLr 0.001");
        assertThrowsNaming(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3f, 1e-4f, -1, 100),
                "warmupIters", "-1");
        assertThrowsNaming(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3f, 1e-4f, 10, 10),
                "decayIters 10", "warmupIters 10");
        assertThrowsNaming(IllegalArgumentException.class, () -> nano.rate(-1), "warmupCosine", "step", "-1");
        assertThrowsNaming(IllegalArgumentException.class, () -> LrSchedule.constant(1f).rate(-5), "constant", "step", "-5");
        assertThrowsNaming(NullPointerException.class, () -> nano.applyTo(null, 0), "applyTo", "optimizer");
    }
}
