package org.jitgrad.data;

/**
 * A contiguous part of a tokenized text (the training or validation split of a {@link CharCorpus}):
 * its token ids, read-only.
 */
public final class TextSplit {
    private final String name;
    private final int[] ids;
    private final int from;
    private final int length;

    TextSplit(String name, int[] ids, int from, int length) {
        this.name = name;
        this.ids = ids;
        this.from = from;
        this.length = length;
    }

    /** What the split is ("train", "validation"), for messages. */
    public String name() { return name; }

    /** The number of tokens. */
    public int length() { return length; }

    /**
     * The token at {@code position} in the split.
     *
     * @throws IndexOutOfBoundsException if {@code position} is outside {@code [0, length())}
     */
    public int id(int position) {
        if (position < 0 || position >= length) {
            throw new IndexOutOfBoundsException(name + " split: position " + position + " outside [0, " + length + ")");
        }
        return ids[from + position];
    }

    /**
     * Checks that the split holds at least one window of {@code block + 1} tokens (an input of
     * {@code block} tokens and its targets shifted by one).
     *
     * @throws IllegalArgumentException naming the split, its length and what is needed, or if {@code block} is below 1
     */
    public void checkBlock(int block) {
        if (block < 1) throw new IllegalArgumentException("block must be >= 1, got " + block);
        if (length < (long) block + 1) {
            throw new IllegalArgumentException("the " + name + " split has " + length + " characters; block " + block
                    + " needs at least block + 1 = " + ((long) block + 1));
        }
    }

    /**
     * Copies the window starting at {@code start}: {@code x[offset, offset+block)} gets tokens
     * {@code [start, start+block)} and {@code y} the next ones, {@code [start+1, start+block+1)}, as floats.
     */
    void copyWindow(int start, int block, float[] x, float[] y, int offset) {
        int base = from + start;
        for (int t = 0; t < block; t++) {
            x[offset + t] = ids[base + t];
            y[offset + t] = ids[base + t + 1];
        }
    }
}
