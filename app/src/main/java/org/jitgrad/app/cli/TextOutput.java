package org.jitgrad.app.cli;

import java.io.PrintWriter;
import org.jitgrad.data.CharVocabulary;

/**
 * Prints generated characters as they come, for {@code gpt sample}: nothing is kept, and the output is flushed
 * at every newline and at least every {@value #FLUSH_MILLIS} ms, so a long sample appears progressively with
 * bounded memory. It notices when the output is closed (e.g. {@code | head}), so generation can stop.
 */
final class TextOutput {
    /** Longest time a generated character waits before it is flushed. */
    static final long FLUSH_MILLIS = 100;

    private final PrintWriter out;
    private final CharVocabulary vocabulary;
    private long lastFlush;

    TextOutput(PrintWriter out, CharVocabulary vocabulary) {
        this.out = out;
        this.vocabulary = vocabulary;
    }

    /** Prints the characters of {@code ids} (the prompt) and flushes. */
    void prompt(int[] ids) {
        out.print(vocabulary.decode(ids));
        flush();
    }

    /**
     * Prints the character of token {@code id}, flushing at a newline or when the last flush is
     * {@value #FLUSH_MILLIS} ms old.
     *
     * @return false once the output is known to be closed
     */
    boolean accept(int id) {
        int codePoint = vocabulary.codePoint(id);
        out.print(Character.toString(codePoint));
        if (codePoint == '\n' || System.nanoTime() - lastFlush >= FLUSH_MILLIS * 1_000_000) return flush();
        return true;
    }

    /**
     * Ends the text with a newline and flushes.
     *
     * @return false if the output was closed
     */
    boolean endLine() {
        out.println();
        return flush();
    }

    /** Flushes; false if the output has failed (checkError flushes first). */
    private boolean flush() {
        lastFlush = System.nanoTime();
        return !out.checkError();
    }
}
