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
    /** The most tokens {@link #generate} returns in one array, prompt included. */
    public static final int MAX_ARRAY_TOKENS = Integer.MAX_VALUE - 8;

    private final Gpt gpt;
    private final Compiled forward;
    private final int block;
    private final int vocab;
    private final float[] window;
    private final Tensor windowTensor;
    private final Tensor[] inputs;
    private final double[] weights;

    /** A generator for {@code gpt}; its forward pass is compiled on the first token. */
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

    /** Receives the generated tokens one at a time, as they are drawn. */
    @FunctionalInterface
    public interface TokenSink {
        /**
         * Takes the next token.
         *
         * @return true to go on, false to stop generating (e.g. when the output was closed)
         */
        boolean accept(int token);
    }

    /**
     * The prompt followed by {@code count} generated tokens, in one array; {@link #stream} hands them out one
     * at a time instead, and gives the same tokens for the same arguments.
     *
     * @param prompt      token ids to start from, at least one
     * @param temperature positive; below 1 sharpens the distribution, above 1 flattens it
     * @param topK        sample among the {@code topK} most likely tokens only; 0, or at least the
     *                    vocabulary size, for all of them
     * @throws IllegalArgumentException naming the argument at fault, before anything is generated; also when
     *                                  the prompt and the count together exceed {@link #MAX_ARRAY_TOKENS}
     */
    public int[] generate(int[] prompt, int count, float temperature, int topK, long seed) {
        check(prompt, count, temperature, topK);
        if ((long) prompt.length + count > MAX_ARRAY_TOKENS) {
            throw new IllegalArgumentException("a prompt of " + prompt.length + " tokens and " + count + " more do not fit in one array (at most "
                    + MAX_ARRAY_TOKENS + " tokens): stream them instead");
        }
        int[] tokens = Arrays.copyOf(prompt, prompt.length + count);
        int[] next = {prompt.length};
        stream(prompt, count, temperature, topK, seed, token -> {
            tokens[next[0]++] = token;
            return true;
        });
        return tokens;
    }

    /**
     * Generates {@code count} tokens after the prompt and hands each to {@code sink} as soon as it is drawn. Only
     * the last {@code block} tokens are kept (the context), so memory does not grow with {@code count}.
     *
     * @param prompt      token ids to start from, at least one (not handed to the sink)
     * @param temperature positive and finite; below 1 sharpens the distribution, above 1 flattens it
     * @param topK        sample among the {@code topK} most likely tokens only; 0, or at least the
     *                    vocabulary size, for all of them
     * @return the number of tokens generated: {@code count}, or fewer if the sink asked to stop
     * @throws IllegalArgumentException naming the argument at fault, before anything is generated
     * @throws IllegalStateException    if the model's logits are NaN or infinite (the tokens drawn before stay handed out)
     */
    public long stream(int[] prompt, int count, float temperature, int topK, long seed, TokenSink sink) {
        check(prompt, count, temperature, topK);
        Random random = new Random(seed);
        // The context: the last `length` tokens, in window[0, length); zeros after it (padding the causal
        // attention never reads at the positions the logits are taken from).
        Arrays.fill(window, 0f);
        int length = Math.min(prompt.length, block);
        for (int t = 0; t < length; t++) window[t] = prompt[prompt.length - length + t];
        boolean wasTraining = gpt.isTraining();
        gpt.train(false);
        try {
            for (long n = 0; n < count; n++) {
                float[] logits = forward.forward(inputs).storage();
                int token = draw(logits, (length - 1) * vocab, temperature, topK, random);
                if (length < block) {
                    window[length++] = token;
                } else {
                    System.arraycopy(window, 1, window, 0, block - 1);
                    window[block - 1] = token;
                }
                if (!sink.accept(token)) return n + 1;
            }
        } finally {
            gpt.train(wasTraining);
        }
        return count;
    }

    private void check(int[] prompt, int count, float temperature, int topK) {
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
        if (!Double.isFinite(max)) {
            // NaN anywhere (Math.max keeps it), +inf, or every logit -inf: no distribution to draw from; the loop
            // below would quietly return the last token every time (torch.multinomial refuses such probabilities)
            throw new IllegalStateException("the model's logits are not finite (largest " + max + "): its weights hold NaN"
                    + " or infinite values, e.g. from a run that diverged");
        }
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
