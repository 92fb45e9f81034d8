package org.jitgrad.app.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jitgrad.app.model.Engine;
import org.jitgrad.data.CharCorpus;
import org.jitgrad.data.WindowSampler;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.optim.AdamW;
import org.jitgrad.optim.LrSchedule;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The training iteration with both engines: from one seed the compiled step (clipping and AdamW fused)
 * and the tape give the same loss curve to float rounding, and the parameters stay together.
 */
class GptStepTest {
    static final String TEXT = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n"
            + "First Citizen:\nYou are all resolved rather to die than to famish?\n\nAll:\nResolved. resolved.\n";

    record Run(float[] losses, List<Tensor> parameters) {}

    static Run train(Engine engine, int steps) {
        CharCorpus corpus = CharCorpus.of(TEXT.repeat(3), "citizens");
        GptConfig config = new GptConfig(corpus.vocabulary().size(), 8, 2, 2, 16, 0f, false);
        Gpt gpt = new Gpt(config, 11);
        Optimizer opt = AdamW.withDecayOnMatrices(gpt.parameters(), 1e-2f, 0.9f, 0.99f, 1e-8f, 0.1f);
        LrSchedule schedule = LrSchedule.warmupCosine(1e-2f, 1e-3f, 3, steps);
        // A small clipping bound so that clipping is active on every step: it is part of what is compared.
        GptStep step = new GptStep(engine, gpt, opt, 0.5f);
        WindowSampler batches = new WindowSampler(corpus.train(), 4, 8, 3);
        float[] losses = new float[steps];
        for (int i = 0; i < steps; i++) {
            schedule.applyTo(opt, i);
            losses[i] = step.step(batches.next());
        }
        return new Run(losses, gpt.parameters());
    }

    @Test
    void compiledAndTapeFollowTheSameCurve() {
        int steps = 25;
        Run compiled = train(Engine.COMPILED, steps), tape = train(Engine.TAPE, steps);
        for (int i = 0; i < steps; i++) {
            float a = tape.losses()[i], b = compiled.losses()[i];
            assertEquals(a, b, 1e-4 * Math.abs(a), "loss at iteration " + i);
        }
        assertTrue(compiled.losses()[steps - 1] < compiled.losses()[0] - 0.3f,
                "the loss falls: " + compiled.losses()[0] + " -> " + compiled.losses()[steps - 1]);
        for (int p = 0; p < tape.parameters().size(); p++) {
            float[] x = tape.parameters().get(p).storage(), y = compiled.parameters().get(p).storage();
            double scale = 0, worst = 0;
            for (float v : x) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
            assertTrue(worst <= 1e-3 * scale, "parameter " + p + ": largest difference " + worst + " of scale " + scale);
        }
    }
}
