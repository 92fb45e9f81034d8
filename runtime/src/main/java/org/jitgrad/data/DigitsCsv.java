package org.jitgrad.data;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.ZipException;

/**
 * Reader for the UCI optical recognition of handwritten digits data in CSV form (the 8 × 8
 * "digits" set), gzip-compressed or plain; compression is detected from the gzip magic number.
 *
 * <p>Each non-blank line holds 65 comma-separated integers: 64 pixel intensities in 0..16 (row
 * major, 8 × 8) followed by the class label in 0..9. Pixels are scaled by 1/16 into [0, 1].
 * Blank lines are ignored. Any other deviation is a {@link DataFormatException} naming the source,
 * the 1-based line number, the column and the value at fault. The format declares no length: the text
 * (after decompression) is bounded by {@link #MAX_BYTES}, so a gzip bomb fails before it fills the heap.
 */
public final class DigitsCsv {

    /** Number of pixel columns per line (8 × 8). */
    public static final int FEATURE_COUNT = 64;
    /** Largest pixel value. */
    public static final int MAX_PIXEL = 16;
    /** Number of classes; labels must be in {@code 0..CLASS_COUNT-1}. */
    public static final int CLASS_COUNT = 10;

    /**
     * Most bytes of CSV text read, after decompression (64 MiB: over 250,000 examples; the UCI set has 5,620).
     */
    public static final int MAX_BYTES = 64 << 20;

    private static final int COLUMNS = FEATURE_COUNT + 1;

    private DigitsCsv() {
    }

    /**
     * Loads a digits CSV file.
     *
     * @param file the file, gzip-compressed or plain
     * @return the dataset: 64 features in [0, 1], labels 0..9, {@code classCount() == 10}
     * @throws DataFormatException if the content is malformed or exceeds {@link #MAX_BYTES}
     * @throws IOException if the file cannot be read
     */
    public static Dataset load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads digits CSV data from a stream (for example a class-path resource). The stream is
     * read to its end but not closed.
     *
     * @param in the stream, gzip-compressed or plain
     * @param sourceName name used in error messages
     * @return the dataset: 64 features in [0, 1], labels 0..9, {@code classCount() == 10}
     * @throws DataFormatException if the content is malformed, holds no example or exceeds {@link #MAX_BYTES}
     * @throws IOException if the stream cannot be read
     */
    public static Dataset read(InputStream in, String sourceName) throws IOException {
        Objects.requireNonNull(in, sourceName + ": stream is null (missing resource?)");
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(new LimitedInputStream(Gzip.decodeIfCompressed(in, sourceName), MAX_BYTES, sourceName,
                        "CSV text"), StandardCharsets.US_ASCII));
        float[] features = new float[FEATURE_COUNT * 1024];
        int[] labels = new int[1024];
        int count = 0;
        int lineNumber = 0;
        try {
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                if (count == labels.length) {
                    labels = Arrays.copyOf(labels, Math.multiplyExact(count, 2));
                    features = Arrays.copyOf(features, Math.multiplyExact(labels.length, FEATURE_COUNT));
                }
                labels[count] = parseLine(line, sourceName, lineNumber, features, count * FEATURE_COUNT);
                count++;
            }
        } catch (EOFException | ZipException e) {
            throw new DataFormatException(sourceName + ": truncated or corrupt gzip stream after line " + lineNumber
                    + " (" + Gzip.reason(e) + ")", e);
        }
        if (count == 0) {
            throw new DataFormatException(sourceName + ": no examples found");
        }
        return Dataset.wrap(Arrays.copyOf(features, count * FEATURE_COUNT), Arrays.copyOf(labels, count),
                FEATURE_COUNT, CLASS_COUNT);
    }

    /** Parses one line into {@code features[offset..offset+63]}, returning the label. */
    private static int parseLine(String line, String source, int lineNumber, float[] features, int offset)
            throws DataFormatException {
        int column = 0;
        int start = 0;
        int label = -1;
        while (true) {
            int comma = line.indexOf(',', start);
            int end = comma < 0 ? line.length() : comma;
            column++;
            if (column > COLUMNS) {
                throw new DataFormatException(source + " line " + lineNumber + ": expected " + COLUMNS
                        + " comma-separated values, found " + countFields(line));
            }
            int value = parseField(line.substring(start, end), source, lineNumber, column);
            if (column <= FEATURE_COUNT) {
                if (value < 0 || value > MAX_PIXEL) {
                    throw new DataFormatException(source + " line " + lineNumber + ", column " + column
                            + ": pixel value " + value + " is out of range 0.." + MAX_PIXEL);
                }
                features[offset + column - 1] = value / (float) MAX_PIXEL;
            } else {
                if (value < 0 || value >= CLASS_COUNT) {
                    throw new DataFormatException(source + " line " + lineNumber + ", column " + column
                            + ": label " + value + " is out of range 0.." + (CLASS_COUNT - 1));
                }
                label = value;
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        if (column != COLUMNS) {
            throw new DataFormatException(source + " line " + lineNumber + ": expected " + COLUMNS
                    + " comma-separated values, found " + column);
        }
        return label;
    }

    private static int parseField(String field, String source, int lineNumber, int column) throws DataFormatException {
        String text = field.strip();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new DataFormatException(source + " line " + lineNumber + ", column " + column
                    + ": not an integer: '" + abbreviate(text) + "'", e);
        }
    }

    private static int countFields(String line) {
        int fields = 1;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == ',') {
                fields++;
            }
        }
        return fields;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
