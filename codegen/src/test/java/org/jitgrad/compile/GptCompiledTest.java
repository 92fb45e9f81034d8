package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * nanoGPT's model compiled against the tape: the language-model loss and the gradient of every
 * parameter (the tied embedding/head included) agree, with and without biases and for a context shorter
 * than the block; and a right-padded context gives the unpadded logits at every real position (what
 * {@code gpt sample}'s single [1, block] specialization relies on).
 */
class GptCompiledTest {
    static Tensor ids(Random r, int vocab, int batch, int time) {
        float[] v = new float[batch * time];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(vocab);
        return Tensor.of(v, batch, time);
    }

    @Test
    void lossAndEveryGradientMatchTheTape() {
        // nanoGPT's CPU run has no biases and a full block; the biased model also runs a context shorter than its block.
        for (boolean bias : new boolean[] {false, true}) {
            GptConfig config = new GptConfig(11, 8, 2, 2, 16, 0f, bias);
            Gpt gpt = new Gpt(config, 5);
            Random r = new Random(bias ? 1 : 2);
            int time = bias ? 5 : 8;
            Tensor x = ids(r, 11, 3, time), y = ids(r, 11, 3, time);
            Engines.assertSameLossAndGradients(in -> gpt.loss(in[0], in[1]), gpt.parameters(), x, y);
        }
    }

    @Test
    void rightPaddingLeavesTheRealPositionsAlone() {
        GptConfig config = new GptConfig(13, 9, 2, 2, 8, 0f, false);
        Gpt gpt = new Gpt(config, 3);
        gpt.train(false);
        Compiled forward = Compiled.trace(in -> gpt.forward(in[0]));
        Random r = new Random(4);
        for (int length = 1; length <= config.block(); length++) {
            float[] real = ids(r, 13, 1, length).toArray();
            float[] padded = Arrays.copyOf(real, config.block());
            for (int t = length; t < padded.length; t++) padded[t] = r.nextInt(13);  // any padding at all
            float[] compiled = forward.forward(Tensor.of(padded, 1, config.block())).toArray();
            float[] tape;
            try (NoGrad ignored = NoGrad.enter()) {
                tape = gpt.forward(Tensor.of(real, 1, length)).toArray();
            }
            Engines.assertClose("logits of a context of " + length, tape, Arrays.copyOf(compiled, length * 13), Engines.REL);
        }
        assertEquals(1, forward.compileCount(), "one [1, block] specialization for every context length");
    }
}
