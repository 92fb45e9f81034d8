package org.jitgrad.app.gpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jitgrad.app.checkpoint.CheckpointException;
import org.jitgrad.app.checkpoint.GptCheckpoint;
import org.jitgrad.app.checkpoint.GptCheckpointFile;
import org.jitgrad.data.CharVocabulary;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TextGeneratorTest {
    static final CharVocabulary VOCAB = CharVocabulary.of("abcdefghij \n");
    static final GptConfig CONFIG = new GptConfig(VOCAB.size(), 6, 2, 2, 8, 0f, false);

    /** A model whose logits are far from uniform, so that samples depend on it. */
    static Gpt model() {
        Gpt gpt = new Gpt(CONFIG, 21);
        for (Tensor p : gpt.parameters()) {
            float[] v = p.storage();
            for (int i = 0; i < v.length; i++) v[i] *= 40;
        }
        return gpt;
    }

    @Test
    void aSeedGivesOneSampleAndOneSpecializationServesEveryLength() {
        Gpt gpt = model();
        TextGenerator g = new TextGenerator(gpt);
        int[] prompt = VOCAB.encode("a");
        int[] first = g.generate(prompt, 25, 0.8f, 0, 7);
        assertEquals(26, first.length);
        assertEquals(prompt[0], first[0]);
        assertArrayEquals(first, g.generate(prompt, 25, 0.8f, 0, 7));
        assertArrayEquals(first, new TextGenerator(gpt).generate(prompt, 25, 0.8f, 0, 7));
        assertFalse(Arrays.equals(first, g.generate(prompt, 25, 0.8f, 0, 8)), "another seed, another sample");
        // A prompt longer than the block: the context is its last block characters.
        g.generate(VOCAB.encode("abcdefghij abcdefghij"), 5, 1.5f, 3, 1);
        assertEquals(1, g.compileCount(), "contexts of 1 to block characters and longer share one compiled forward");
        assertTrue(gpt.isTraining(), "the model's mode is restored");
    }

    @Test
    void streamHandsOutTheSameTokensOneAtATimeAndStopsWhenTheSinkAsks() {
        Gpt gpt = model();
        TextGenerator g = new TextGenerator(gpt);
        int[] prompt = VOCAB.encode("abcdefghij ");  // longer than the block of 6
        int[] whole = g.generate(prompt, 30, 0.9f, 5, 11);
        List<Integer> streamed = new ArrayList<>();
        assertEquals(30, g.stream(prompt, 30, 0.9f, 5, 11, t -> streamed.add(t)));
        assertEquals(Arrays.stream(whole, prompt.length, whole.length).boxed().toList(), streamed);

        // Nothing is sized by the count: the largest count runs until the sink stops it.
        List<Integer> first = new ArrayList<>();
        assertEquals(10, g.stream(prompt, Integer.MAX_VALUE, 0.9f, 5, 11, t -> first.add(t) && first.size() < 10));
        assertEquals(streamed.subList(0, 10), first);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.generate(prompt, Integer.MAX_VALUE, 1f, 0, 1)).getMessage()
                .contains("a prompt of 11 tokens and 2147483647 more do not fit in one array"));
        assertTrue(gpt.isTraining(), "the model's mode is restored");
    }

    @Test
    void topOneIsTheTapesArgmaxOfTheLastPositionOfTheCroppedContext() {
        Gpt gpt = model();
        int[] text = new TextGenerator(gpt).generate(VOCAB.encode("ab"), 12, 1f, 1, 3);
        gpt.train(false);
        for (int n = 2; n < text.length; n++) {
            int from = Math.max(0, n - CONFIG.block());
            float[] context = new float[n - from];
            for (int t = 0; t < context.length; t++) context[t] = text[from + t];
            float[] logits;
            try (NoGrad ignored = NoGrad.enter()) {
                logits = gpt.forward(Tensor.of(context, 1, context.length)).toArray();
            }
            int best = 0, offset = (context.length - 1) * VOCAB.size();
            for (int v = 1; v < VOCAB.size(); v++) if (logits[offset + v] > logits[offset + best]) best = v;
            assertEquals(best, text[n], "token " + n);
        }
    }

    /** The tape's logits for the token after {@code text[0, n)}, from the last block of it, in evaluation mode. */
    static float[] nextLogits(Gpt gpt, int[] text, int n) {
        int from = Math.max(0, n - CONFIG.block());
        float[] context = new float[n - from];
        for (int t = 0; t < context.length; t++) context[t] = text[from + t];
        gpt.train(false);
        try (NoGrad ignored = NoGrad.enter()) {
            float[] all = gpt.forward(Tensor.of(context, 1, context.length)).toArray();
            return Arrays.copyOfRange(all, (context.length - 1) * VOCAB.size(), context.length * VOCAB.size());
        } finally {
            gpt.train(true);
        }
    }

    @Test
    void topKDrawsOnlyAmongTheKLargestLogitsAndAnAlmostZeroTemperatureIsGreedy() {
        Gpt gpt = new Gpt(CONFIG, 21);  // as initialised: nearly uniform logits, so that without the cut others would be drawn
        TextGenerator g = new TextGenerator(gpt);
        int[] prompt = VOCAB.encode("ab");
        for (int k = 2; k <= 4; k++) {
            int[] text = g.generate(prompt, 40, 1f, k, 5);
            for (int n = prompt.length; n < text.length; n++) {
                float[] logits = nextLogits(gpt, text, n);
                float drawn = logits[text[n]];
                int larger = 0;
                for (float l : logits) if (l > drawn) larger++;
                assertTrue(larger < k, "token " + n + " with top-" + k + " has " + larger + " larger logits");
            }
        }
        int[] greedy = g.generate(prompt, 20, 1f, 1, 5);
        assertArrayEquals(greedy, g.generate(prompt, 20, 1e-30f, 0, 6), "a vanishing temperature is the argmax");
        assertArrayEquals(greedy, g.generate(prompt, 20, Float.MIN_VALUE, 3, 7), "with any top-k");
        int[] all = g.generate(prompt, 30, 1f, 0, 8);
        assertArrayEquals(all, g.generate(prompt, 30, 1f, VOCAB.size(), 8), "top-k of the whole vocabulary cuts nothing");
        assertArrayEquals(all, g.generate(prompt, 30, 1f, VOCAB.size() + 100, 8), "nor does a larger one");
    }

    @Test
    void nonFiniteLogitsAreRefusedNotSampled() {
        Gpt gpt = model();
        gpt.wte().weight().storage()[3 * CONFIG.nEmbd()] = Float.NaN;  // token 3's row, also its row of the tied head
        TextGenerator g = new TextGenerator(gpt);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.generate(VOCAB.encode("a"), 5, 1f, 0, 1));
        assertTrue(e.getMessage().contains("logits are not finite"), e.getMessage());
        assertTrue(gpt.isTraining(), "the model's mode is restored");
    }

    @Test
    void aCheckpointRoundTripGivesTheSameSamples() throws CheckpointException {
        Gpt gpt = model();
        byte[] file = GptCheckpointFile.encode(GptCheckpoint.capture(gpt, VOCAB, 5, "letters"));
        GptCheckpoint loaded = GptCheckpointFile.decode(file);
        int[] prompt = loaded.vocabulary().encode("hi ");
        assertArrayEquals(new TextGenerator(gpt).generate(prompt, 40, 0.8f, 4, 99),
                new TextGenerator(loaded.build()).generate(prompt, 40, 0.8f, 4, 99));
    }

    @Test
    void badArgumentsAreNamed() {
        TextGenerator g = new TextGenerator(model());
        int[] ok = {1};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.generate(new int[0], 5, 1f, 0, 1)).getMessage()
                .contains("prompt is empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.generate(new int[] {1, 12}, 5, 1f, 0, 1)).getMessage()
                .contains("prompt token 1 is 12, outside the vocabulary [0, 12)"));
        for (float t : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> g.generate(ok, 5, t, 0, 1)).getMessage()
                    .contains("temperature must be positive and finite, got " + t));
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.generate(ok, 5, 1f, -2, 1)).getMessage().contains("top-k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> g.generate(ok, -1, 1f, 0, 1)).getMessage().contains("-1"));
        assertEquals(0, g.compileCount(), "nothing was run");
    }
}
