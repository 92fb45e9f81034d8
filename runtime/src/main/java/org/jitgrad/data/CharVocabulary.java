package org.jitgrad.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A character-level vocabulary: the sorted set of distinct characters (Unicode code points) of a text,
 * token id {@code i} being the {@code i}-th smallest, as nanoGPT's {@code shakespeare_char} prepares it
 * ({@code sorted(set(text))}; 65 characters for tinyshakespeare).
 */
public final class CharVocabulary {
    /** Largest vocabulary accepted (every Unicode code point fits). */
    public static final int MAX_SIZE = Character.MAX_CODE_POINT + 1;

    private final int[] codePoints;

    private CharVocabulary(int[] codePoints) {
        this.codePoints = codePoints;
    }

    /**
     * The vocabulary of {@code text}.
     *
     * @throws IllegalArgumentException if the text is empty
     */
    public static CharVocabulary of(String text) {
        if (text.isEmpty()) throw new IllegalArgumentException("CharVocabulary: the text is empty");
        return new CharVocabulary(text.codePoints().distinct().sorted().toArray());
    }

    /**
     * A vocabulary from its code points (as saved in a checkpoint).
     *
     * @throws IllegalArgumentException if there are none, or they are not strictly ascending valid code
     *                                  points (surrogates excluded), naming the first at fault
     */
    public static CharVocabulary ofCodePoints(int[] codePoints) {
        if (codePoints.length == 0) throw new IllegalArgumentException("CharVocabulary: no characters");
        for (int i = 0; i < codePoints.length; i++) {
            int c = codePoints[i];
            if (!Character.isValidCodePoint(c) || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
                throw new IllegalArgumentException("CharVocabulary: entry " + i + " (" + c + ") is not a Unicode scalar value");
            }
            if (i > 0 && c <= codePoints[i - 1]) {
                throw new IllegalArgumentException("CharVocabulary: entries must be strictly ascending, but entry " + i + " ("
                        + describe(c) + ") follows " + describe(codePoints[i - 1]));
            }
        }
        return new CharVocabulary(codePoints.clone());
    }

    /** The number of tokens. */
    public int size() { return codePoints.length; }

    /** The code points, in token-id order (a copy). */
    public int[] codePoints() { return codePoints.clone(); }

    /** Whether {@code codePoint} has a token. */
    public boolean contains(int codePoint) { return Arrays.binarySearch(codePoints, codePoint) >= 0; }

    /**
     * The token ids of {@code text}, one per code point.
     *
     * @throws IllegalArgumentException naming the first character that has no token and its position
     *                                  (in code points)
     */
    public int[] encode(String text) {
        int[] ids = new int[text.codePointCount(0, text.length())];
        int position = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int id = Arrays.binarySearch(codePoints, c);
            if (id < 0) {
                throw new IllegalArgumentException("character " + describe(c) + " at position " + position
                        + " is not in the vocabulary of " + size() + " characters");
            }
            ids[position++] = id;
            i += Character.charCount(c);
        }
        return ids;
    }

    /**
     * The text of token ids {@code ids[from, to)}.
     *
     * @throws IllegalArgumentException  naming an id outside {@code [0, size())}
     * @throws IndexOutOfBoundsException if {@code [from, to)} is not a range of {@code ids}
     */
    public String decode(int[] ids, int from, int to) {
        Objects.checkFromToIndex(from, to, ids.length);
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) sb.appendCodePoint(codePoint(ids[i]));
        return sb.toString();
    }

    /** The text of all of {@code ids}. */
    public String decode(int[] ids) { return decode(ids, 0, ids.length); }

    /**
     * The character of token {@code id}.
     *
     * @throws IllegalArgumentException if {@code id} is outside {@code [0, size())}
     */
    public int codePoint(int id) {
        if (id < 0 || id >= codePoints.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + codePoints.length + ")");
        }
        return codePoints[id];
    }

    /** A character for a message: {@code 'x' (U+0078)}, escaping control characters. */
    public static String describe(int codePoint) {
        String shown = switch (codePoint) {
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            default -> Character.isISOControl(codePoint) || !Character.isDefined(codePoint) ? "?" : Character.toString(codePoint);
        };
        return String.format("'%s' (U+%04X)", shown, codePoint);
    }

    @Override
    public boolean equals(Object o) { return o instanceof CharVocabulary v && Arrays.equals(codePoints, v.codePoints); }

    @Override
    public int hashCode() { return Arrays.hashCode(codePoints); }

    @Override
    public String toString() { return "CharVocabulary(" + size() + " characters)"; }
}
