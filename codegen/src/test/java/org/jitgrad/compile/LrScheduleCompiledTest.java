package org.jitgrad.compile;

import static org.jitgrad.testing.Approx.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jitgrad.optim.Adam;
import org.jitgrad.optim.LrSchedule;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A learning rate changed between compiled steps takes effect in the fused update, without recompiling. */
class LrScheduleCompiledTest {
    @Test
    void warmupCosineScheduleMatchesTheTape() {
        // warm-up over 5 steps, cosine decay until step 25, then the minimum: every phase within 30 steps
        LrSchedule schedule = LrSchedule.warmupCosine(3e-3f, 3e-4f, 5, 25);
        TrainingParity.assertSameTraining(new TrainingParity.Recipe(p -> new Adam(p, 1f), Float.NaN, schedule), 30);
    }

    @Test
    void theFusedUpdateReadsTheRateAtEveryStep() {
        // loss = Σ x·w: the gradient is x whatever w is, so plain SGD moves w by exactly -lr·x
        Tensor w = Tensor.of(new float[] {1f, -2f, 3f, 0.5f, 0f, 7f, -1f}, 7).requiresGrad();
        Tensor x = Tensor.of(new float[] {0.5f, 1f, -1f, 2f, 3f, -0.25f, 1.5f}, 7);
        SGD sgd = new SGD(List.of(w), 0.1f, 0f);
        Compiled step = Compiled.trace(in -> in[0].mul(w).sum()).withOptimizer(sgd);
        float[] rates = {0.1f, 0.5f, 1e-3f, 2f, 0.1f};
        for (float lr : rates) {
            sgd.setLearningRate(lr);
            float[] expected = w.toArray();
            for (int i = 0; i < expected.length; i++) expected[i] -= lr * x.storage()[i];
            step.run(x);
            assertExact(expected, w.toArray(), "after a step at lr " + lr);
        }
        assertEquals(1, step.compileCount(), "changing the rate never recompiles");
    }
}
