package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.optim.AdamW;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.LrSchedule;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * nanoGPT's whole training recipe on a tiny {@link Gpt}: the warm-up-cosine rate, AdamW with weight decay on
 * rank >= 2 tensors only, and clipping at total norm 1.0. The tape's
 * {@code get_lr; zeroGrad; loss.backward(); clipGradNorm; step()} and one compiled step with the clipping and the
 * update fused must train the same model.
 */
class NanoGptRecipeCompiledTest {
    private static final GptConfig TINY = new GptConfig(11, 8, 2, 2, 16, 0f, true);
    private static final float MAX_NORM = 1f;
    private static final int STEPS = 16;

    private static AdamW optimizer(Gpt gpt) {
        return AdamW.withDecayOnMatrices(gpt.parameters(), 1e-2f, 0.9f, 0.99f, 1e-8f, 0.1f);
    }

    /** Warm-up over 4 steps, cosine decay until step 12, then the minimum: all three phases in 16 steps. */
    private static final LrSchedule SCHEDULE = LrSchedule.warmupCosine(1e-2f, 1e-3f, 4, 12);

    private static Tensor[] batch(long seed) {
        Random r = new Random(seed);
        float[] x = new float[3 * 8], y = new float[3 * 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(TINY.vocabSize());
            y[i] = r.nextInt(TINY.vocabSize());
        }
        return new Tensor[] {Tensor.of(x, 3, 8), Tensor.of(y, 3, 8)};
    }

    private static float[] tapeStep(Gpt gpt, AdamW opt, long it, Tensor[] b) {
        SCHEDULE.applyTo(opt, it);
        opt.zeroGrad();
        Tensor loss = gpt.loss(b[0], b[1]);
        loss.backward();
        float norm = GradClip.clipGradNorm(gpt.parameters(), MAX_NORM);
        opt.step();
        return new float[] {loss.item(), norm};
    }

    private static Compiled compiledStep(Gpt gpt, AdamW opt) {
        return Compiled.trace(in -> gpt.loss(in[0], in[1])).withOptimizer(opt).withGradClipping(MAX_NORM);
    }

    @Test
    void tapeAndCompiledTrainTheSameModel() {
        warmUp();
        Gpt tape = new Gpt(TINY, 5), compiled = new Gpt(TINY, 5);
        AdamW tapeOpt = optimizer(tape), compiledOpt = optimizer(compiled);
        assertDecayOnMatricesOnly(compiled, compiledOpt);
        Compiled step = compiledStep(compiled, compiledOpt);
        int clipped = 0;
        for (int it = 0; it < STEPS; it++) {
            Tensor[] b = batch(it);
            float[] t = tapeStep(tape, tapeOpt, it, b);
            SCHEDULE.applyTo(compiledOpt, it);
            float loss = step.run(b);
            Engines.assertClose("loss at step " + it, new float[] {t[0]}, new float[] {loss}, 1e-5);
            Engines.assertClose("gradient norm at step " + it, new float[] {t[1]}, new float[] {step.lastGradNorm()}, 1e-5);
            if (t[1] > MAX_NORM) clipped++;
        }
        assertTrue(clipped > 0, "the bound must clip at some step");
        assertEquals(1, step.compileCount(), "the schedule changes the rate without recompiling");
        assertEquals(STEPS, compiledOpt.stepCount());
        List<Tensor> tp = tape.parameters(), cp = compiled.parameters();
        int embd = TINY.nEmbd();
        for (int i = 0; i < tp.size(); i++) {
            float[] t = tp.get(i).toArray(), c = cp.get(i).toArray();
            if (tp.get(i).rank() == 1 && t.length == 3 * embd) {
                // The key third of the fused QKV bias has a gradient of exactly zero (adding a constant to every key
                // adds the same q·b to a whole row of scores, which the softmax ignores), so each engine computes
                // rounding noise there (|g| ~ 1e-9), and Adam, which divides a gradient by its own running size,
                // turns either noise into steps of about the rate. Those elements are compared with nothing.
                t = withoutKeyThird(t, embd);
                c = withoutKeyThird(c, embd);
            }
            Engines.assertClose("parameter " + i + " " + tp.get(i).shape() + " after " + STEPS + " steps", t, c, 1e-5);
        }
    }

    private static float[] withoutKeyThird(float[] qkvBias, int embd) {
        float[] qv = new float[2 * embd];
        System.arraycopy(qkvBias, 0, qv, 0, embd);
        System.arraycopy(qkvBias, 2 * embd, qv, embd, embd);
        return qv;
    }

    private static void assertDecayOnMatricesOnly(Gpt gpt, AdamW opt) {
        List<Tensor> ps = gpt.parameters();
        int decayed = 0;
        for (int i = 0; i < ps.size(); i++) {
            assertEquals(ps.get(i).rank() >= 2 ? 0.1f : 0f, opt.weightDecay(i), "parameter " + i + " " + ps.get(i).shape());
            if (ps.get(i).rank() >= 2) decayed++;
        }
        assertTrue(decayed > 0 && decayed < ps.size(), decayed + " of " + ps.size() + " parameters decayed");
    }

    /** Both engines' code warmed to the same JIT tiers (see {@link Engines}) on throwaway models. */
    private static void warmUp() {
        Gpt tape = new Gpt(TINY, 99), compiled = new Gpt(TINY, 99);
        AdamW tapeOpt = optimizer(tape), compiledOpt = optimizer(compiled);
        Compiled step = compiledStep(compiled, compiledOpt);
        for (int it = 0; it < 200; it++) {
            Tensor[] b = batch(1000 + it);
            tapeStep(tape, tapeOpt, it % STEPS, b);
            SCHEDULE.applyTo(compiledOpt, it % STEPS);
            step.run(b);
        }
    }
}
