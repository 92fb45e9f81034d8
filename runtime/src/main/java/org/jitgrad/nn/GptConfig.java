package org.jitgrad.nn;

/**
 * The shape of a {@link Gpt}: nanoGPT's configuration. Defaults are its character-level Shakespeare run on a CPU.
 *
 * @param vocabSize tokens in the vocabulary
 * @param block     the context length (positions)
 * @param nLayer    transformer blocks
 * @param nHead     attention heads per block
 * @param nEmbd     the width of the residual stream, a multiple of {@code nHead}
 * @param dropout   dropout probability in [0, 1)
 * @param bias      biases in the linear layers and layer norms (nanoGPT's CPU run: none)
 */
public record GptConfig(int vocabSize, int block, int nLayer, int nHead, int nEmbd, float dropout, boolean bias) {
    /**
     * Checks the configuration.
     *
     * @throws IllegalArgumentException naming the value at fault
     */
    public GptConfig {
        if (vocabSize <= 0) throw new IllegalArgumentException("GPT: vocabulary size must be positive, got " + vocabSize);
        if (block <= 0) throw new IllegalArgumentException("GPT: block size must be positive, got " + block);
        if (nLayer <= 0) throw new IllegalArgumentException("GPT: n_layer must be positive, got " + nLayer);
        if (nHead <= 0 || nEmbd <= 0 || nEmbd % nHead != 0) {
            throw new IllegalArgumentException("GPT: n_embd " + nEmbd + " must be a positive multiple of n_head " + nHead);
        }
        if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException("GPT: dropout must be in [0, 1), got " + dropout);
    }

    /**
     * The number of parameters of a {@link Gpt} with this configuration, the tied head counted once (as
     * {@link Gpt#namedParameters()} lists it); {@link Long#MAX_VALUE} if that overflows a long (a hostile
     * configuration read from a file).
     */
    public long parameterCount() {
        try {
            long c = nEmbd;
            long b = bias ? 1 : 0;
            long square = Math.multiplyExact(c, c);
            long layerNorm = c + b * c;
            long attention = Math.addExact(Math.multiplyExact(4, square), b * 4 * c);   // c_attn (3C x C) and c_proj (C x C)
            long mlp = Math.addExact(Math.multiplyExact(8, square), b * 5 * c);         // c_fc (4C x C) and c_proj (C x 4C)
            long perBlock = Math.addExact(Math.addExact(attention, mlp), 2 * layerNorm);
            long embeddings = Math.multiplyExact((long) vocabSize + block, c);
            return Math.addExact(Math.addExact(embeddings, Math.multiplyExact(nLayer, perBlock)), layerNorm);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** nanoGPT's CPU configuration for a vocabulary: 4 layers, 4 heads, width 128, context 64, no dropout, no bias. */
    public static GptConfig shakespeareCpu(int vocabSize) {
        return new GptConfig(vocabSize, 64, 4, 4, 128, 0f, false);
    }
}
