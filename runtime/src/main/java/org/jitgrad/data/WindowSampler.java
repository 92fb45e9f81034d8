package org.jitgrad.data;

import java.util.Random;
import org.jitgrad.tensor.Tensor;

/**
 * Random language-model batches from a {@link TextSplit}, as nanoGPT's {@code get_batch}: each of
 * {@code batch} rows is a window of {@code block + 1} tokens starting at a uniform position in
 * {@code [0, length - block)}; the inputs are its first {@code block} tokens, the targets the last
 * {@code block}. Starts are drawn from this sampler's own seeded generator, so one seed gives one sequence
 * of batches whatever else the program draws.
 *
 * <p>{@link #next()} refills two {@code [batch, block]} tensors of token ids (as floats) in place and
 * returns them: the same two tensor objects every time, so a compiled step sees one input signature and
 * nothing is allocated per batch.
 */
public final class WindowSampler {
    private final TextSplit split;
    private final int batch;
    private final int block;
    private final Random random;
    private final float[] x;
    private final float[] y;
    private final Tensor[] pair;

    /**
     * A sampler over {@code split} with its own generator seeded with {@code seed}.
     *
     * @param batch rows per batch
     * @param block tokens per row, the model's context length
     * @throws IllegalArgumentException if {@code batch} or {@code block} is not positive, the split is
     *                                  shorter than {@code block + 1}, or {@code batch·block} is too large for one array
     */
    public WindowSampler(TextSplit split, int batch, int block, long seed) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        split.checkBlock(block);
        if ((long) batch * block > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("batch " + batch + " x block " + block + " is too large for one array");
        }
        this.split = split;
        this.batch = batch;
        this.block = block;
        this.random = new Random(seed);
        this.x = new float[batch * block];
        this.y = new float[batch * block];
        this.pair = new Tensor[] {Tensor.wrap(x, batch, block), Tensor.wrap(y, batch, block)};
    }

    /**
     * Draws the next batch into the sampler's tensors and returns them: {@code [inputs, targets]}, each
     * {@code [batch, block]}. The returned array and tensors are reused by the next call.
     */
    public Tensor[] next() {
        int starts = split.length() - block;
        for (int b = 0; b < batch; b++) split.copyWindow(random.nextInt(starts), block, x, y, b * block);
        return pair;
    }

    /** Rows per batch. */
    public int batch() { return batch; }

    /** Tokens per row. */
    public int block() { return block; }

    /** The split the windows come from. */
    public TextSplit split() { return split; }
}
