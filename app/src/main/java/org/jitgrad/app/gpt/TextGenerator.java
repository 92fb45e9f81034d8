package org.jitgrad.app.gpt;

import java.util.Arrays;
import java.util.Random;
import org.jitgrad.compile.Compiled;
import org.jitgrad.nn.Gpt;
import org.jitgrad.tensor.Tensor;

/**
 * Generates tokens from a GPT one at a time, as nanoGPT's {@code generate}: the logits of the last
 * position divided by a temperature, optionally cut to the {@code k} largest, softmax, one draw from a
 * seeded generator; the context is the last {@code block} tokens.
 *
 * <p>Every step runs the same compiled forward of shape {@code [1, block]}, so one specialization serves
 * every context length: a context shorter than the block is padded on the right and the logits are read
 * at its last real position. Attention is causal, so the padding after that position cannot change them.
 */
public final class TextGenerator {
    private final Gpt gpt;
    private final Compiled forward;
    private final int block;
    private final int vocab;
    private final float[] window;
    private final Tensor windowTensor;
    private final Tensor[] inputs;
    private final double[] weights;

    public TextGenerator(Gpt gpt) {
        this.gpt = gpt;
        this.forward = Compiled.trace(in -> gpt.forward(in[0]));
        this.block = gpt.config().block();
        this.vocab = gpt.config().vocabSize();
        this.window = new float[block];
        this.windowTensor = Tensor.wrap(window, 1, block);
        this.inputs = new Tensor[] {windowTensor};
        this.weights = new double[vocab];
    }

    /**
     * The prompt followed by {@code count} generated tokens.
     *
     * @param prompt      token ids to start from, at least one
     * @param temperature positive; below 1 sharpens the distribution, above 1 flattens it
     * @param topK        sample among the {@code topK} most likely tokens only; 0, or at least the
     *                    vocabulary size, for all of them
     * @throws IllegalArgumentException naming the argument at fault, before anything is generated
     */
    public int[] generate(int[] prompt, int count, float temperature, int topK, long seed) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty: give at least one character");
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocab) {
                throw new IllegalArgumentException("prompt token " + i + " is " + prompt[i] + ", outside the vocabulary [0, " + vocab + ")");
            }
        }
        if (count < 0) throw new IllegalArgumentException("token count must be >= 0, got " + count);
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 = all tokens), got " + topK);
        Random random = new Random(seed);
        int[] tokens = Arrays.copyOf(prompt, prompt.length + count);
        boolean wasTraining = gpt.isTraining();
        gpt.train(false);
        try {
            for (int n = prompt.length; n < tokens.length; n++) tokens[n] = next(tokens, n, temperature, topK, random);
        } finally {
            gpt.train(wasTraining);
        }
        return tokens;
    }

    /** The next token after {@code tokens[0, n)}. */
    private int next(int[] tokens, int n, float temperature, int topK, Random random) {
        int from = Math.max(0, n - block);
        int length = n - from;
        for (int t = 0; t < block; t++) window[t] = t < length ? tokens[from + t] : 0;
        float[] logits = forward.forward(inputs).storage();
        return draw(logits, (length - 1) * vocab, temperature, topK, random);
    }

    /** One draw from softmax(logits / temperature) restricted to the top k. */
    private int draw(float[] logits, int offset, float temperature, int topK, Random random) {
        double threshold = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < vocab) {
            double[] sorted = new double[vocab];
            for (int i = 0; i < vocab; i++) sorted[i] = logits[offset + i];
            Arrays.sort(sorted);
            threshold = sorted[vocab - topK];  // the k-th largest; ties with it stay in, as torch.topk's cut does
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[offset + i]);
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            double l = logits[offset + i];
            weights[i] = l < threshold ? 0 : Math.exp((l - max) / temperature);
            total += weights[i];
        }
        double u = random.nextDouble() * total;
        int last = 0;
        for (int i = 0; i < vocab; i++) {
            if (weights[i] == 0) continue;
            last = i;
            u -= weights[i];
            if (u < 0) return i;
        }
        return last;  // rounding left u a hair above zero: the last token with weight
    }

    /** Compiled specializations so far: 1 after the first token, whatever the context lengths. */
    public int compileCount() { return forward.compileCount(); }
}
