package org.jitgrad.compile;

import static org.jitgrad.testing.Approx.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jitgrad.optim.AdamW;
import org.jitgrad.optim.LrSchedule;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** AdamW with per-parameter weight decay fused into the compiled step equals the tape's {@code step()}. */
class AdamWGroupsCompiledTest {
    @Test
    void nanoGptRecipeMatchesTheTape() {
        // AdamW betas (0.9, 0.99), decay 0.1 on matrices only, clipping at 1.0, warm-up then cosine decay
        LrSchedule schedule = LrSchedule.warmupCosine(3e-3f, 3e-4f, 5, 25);
        TrainingParity.assertSameTraining(new TrainingParity.Recipe(
                p -> AdamW.withDecayOnMatrices(p, 3e-3f, 0.9f, 0.99f, 1e-8f, 0.1f), 1.0f, schedule), 30);
    }

    @Test
    void arbitraryPerParameterDecaysMatchTheTape() {
        float[] decays = {0.3f, 0f, 0.05f, 0f, 0.2f, 0.01f};
        TrainingParity.assertSameTraining(new TrainingParity.Recipe(
                p -> new AdamW(p, 3e-3f, 0.9f, 0.99f, 1e-8f, decays), Float.NaN, null), 30);
    }

    @Test
    void fusedUpdateDecaysOnlyMatrices() {
        // the loss is multiplied by 0: every gradient is 0, so the Adam step is exactly 0 and only the decay acts
        Tensor w = Tensor.uniform(1, -1f, 1f, 4, 3).requiresGrad();
        Tensor b = Tensor.uniform(2, -1f, 1f, 3).requiresGrad();
        float[] w0 = w.toArray(), b0 = b.toArray();
        float lr = 0.05f, wd = 0.1f;
        AdamW opt = AdamW.withDecayOnMatrices(List.of(w, b), lr, 0.9f, 0.99f, 1e-8f, wd);
        Compiled step = Compiled.trace(in -> in[0].matmul(w).add(b).sum().mul(0f)).withOptimizer(opt);
        Tensor x = Tensor.randn(3, 2, 4);
        for (int s = 0; s < 3; s++) step.run(x);
        float shrink = 1f - lr * wd;
        float[] expected = w0.clone();
        for (int i = 0; i < expected.length; i++) expected[i] = expected[i] * shrink * shrink * shrink;
        assertExact(expected, w.toArray(), "the [4, 3] weight decays");
        assertExact(b0, b.toArray(), "the [3] bias does not");
        assertEquals(3, opt.stepCount());
    }
}
