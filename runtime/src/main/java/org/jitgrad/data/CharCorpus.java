package org.jitgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A text tokenized by characters with its own {@link CharVocabulary}, split by position as nanoGPT's
 * {@code shakespeare_char/prepare.py} does: the first {@value #TRAIN_FRACTION_PERCENT}% of the characters
 * ({@code floor(0.9 n)}) train, the rest validate. Batches come from a {@link WindowSampler}.
 */
public final class CharCorpus {
    /** The fraction of the text, from its start, used for training. */
    public static final double TRAIN_FRACTION = 0.9;
    static final int TRAIN_FRACTION_PERCENT = 90;

    private final String source;
    private final CharVocabulary vocabulary;
    private final int[] ids;
    private final TextSplit train;
    private final TextSplit validation;

    private CharCorpus(String source, CharVocabulary vocabulary, int[] ids) {
        this.source = source;
        this.vocabulary = vocabulary;
        this.ids = ids;
        int n = (int) (ids.length * TRAIN_FRACTION);
        this.train = new TextSplit("train", ids, 0, n);
        this.validation = new TextSplit("validation", ids, n, ids.length - n);
    }

    /**
     * The corpus of {@code text}, with the vocabulary of its characters.
     *
     * @param text   the whole text; every character becomes one token
     * @param source where the text came from, for messages
     * @throws IllegalArgumentException if the text is empty
     */
    public static CharCorpus of(String text, String source) {
        if (text.isEmpty()) throw new IllegalArgumentException(source + ": the text is empty");
        CharVocabulary vocabulary = CharVocabulary.of(text);
        return new CharCorpus(source, vocabulary, vocabulary.encode(text));
    }

    /**
     * Reads a UTF-8 text file, gzipped or plain, of at most {@link TextFile#MAX_BYTES} bytes.
     *
     * @throws DataFormatException if it is not UTF-8, too large, or empty
     * @throws IOException         if it cannot be read
     */
    public static CharCorpus load(Path file) throws IOException {
        String text = TextFile.read(file);
        if (text.isEmpty()) throw new DataFormatException(file + ": the file is empty");
        return of(text, file.toString());
    }

    /** Where the text came from. */
    public String source() { return source; }

    /** The characters of the text, sorted. */
    public CharVocabulary vocabulary() { return vocabulary; }

    /** The number of characters (tokens). */
    public int length() { return ids.length; }

    /** The first 90%. */
    public TextSplit train() { return train; }

    /** The last 10%. */
    public TextSplit validation() { return validation; }

    /**
     * Checks that both splits hold a window of {@code block + 1} characters.
     *
     * @param block the context length a model will train with
     * @throws IllegalArgumentException naming the source, the split that is too short and the lengths
     */
    public void checkBlock(int block) {
        for (TextSplit s : new TextSplit[] {train, validation}) {
            try {
                s.checkBlock(block);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": " + e.getMessage() + " (the text has " + ids.length
                        + " characters, split " + TRAIN_FRACTION_PERCENT + "/" + (100 - TRAIN_FRACTION_PERCENT) + ")", e);
            }
        }
    }
}
