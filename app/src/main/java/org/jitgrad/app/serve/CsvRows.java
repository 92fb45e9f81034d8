package org.jitgrad.app.serve;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.jitgrad.app.model.InputNorm;

/**
 * Parses request bodies of comma-separated lines: {@code label,x1,...,xn} for /train and
 * {@code x1,...,xn} for /predict. All or nothing: the first problem rejects the whole body with a
 * {@link BadInput} naming the line (1-based, counting every physical line) and what is wrong.
 *
 * <p>Accepted: ASCII decimal numbers with an optional sign, fraction and exponent ({@code 0},
 * {@code 0.5294118}, {@code -1e-3}), spaces or tabs around a value, {@code \n} or {@code \r\n} line
 * ends, blank lines (skipped). Rejected: anything else (hex, {@code 1f}, empty values), NaN and
 * infinities (also a literal too large for a float), a label that is not an integral class index
 * ({@code 3} and {@code 3.0} are fine, {@code 1.5}, {@code -1} and {@code 10} of 10 classes are not).
 *
 * <p>The features are standardized with the model's {@link InputNorm} while parsing, so the arrays
 * returned are what the network is fed.
 */
public final class CsvRows {
    /** A parsed body: {@code rows x featureCount} standardized features and, for /train, the labels. */
    public record Rows(float[] features, float[] labels, int rows, int featureCount) {}

    /**
     * Reusable room for parsed rows, grown as needed and never shrunk: /train parses every body into the same
     * per-thread buffer, so a pass over MNIST no longer leaves 190 MB of row arrays for the young collector.
     */
    public static final class Buffer {
        float[] features = new float[0];
        float[] labels = new float[0];
        int rows;

        /** Rows parsed by the last call that filled this buffer. */
        public int rows() { return rows; }

        /** The features, {@code rows() x featureCount} valid values from 0. */
        public float[] features() { return features; }

        /** The labels, {@code rows()} valid values from 0. */
        public float[] labels() { return labels; }

        void ensure(int rowCapacity, int featureCount) {
            if (labels.length < rowCapacity) labels = new float[rowCapacity];
            if (features.length < (long) rowCapacity * featureCount) features = new float[Math.multiplyExact(rowCapacity, featureCount)];
        }
    }

    /** A body that does not parse; the message names the line and the problem. */
    public static final class BadInput extends Exception {
        public BadInput(String message) {
            super(message, null, false, false);
        }
    }

    private CsvRows() {}

    /** A /train body: each line a label in {@code 0..classes-1} then {@code featureCount} features. */
    public static Rows parseTraining(byte[] body, int length, int featureCount, int classes, InputNorm norm) throws BadInput {
        return parse(body, length, featureCount, classes, norm);
    }

    /** A /predict body: each line {@code featureCount} features. */
    public static Rows parseFeatures(byte[] body, int length, int featureCount, InputNorm norm) throws BadInput {
        return parse(body, length, featureCount, 0, norm);
    }

    private static Rows parse(byte[] b, int length, int featureCount, int classes, InputNorm norm) throws BadInput {
        Buffer out = new Buffer();
        parseInto(b, length, featureCount, classes, norm, out);
        int rows = out.rows;
        float[] features = out.features.length == rows * featureCount ? out.features : Arrays.copyOf(out.features, rows * featureCount);
        float[] labels = classes == 0 ? null : out.labels.length == rows ? out.labels : Arrays.copyOf(out.labels, rows);
        return new Rows(features, labels, rows, featureCount);
    }

    /**
     * {@link #parseTraining} ({@code classes > 0}) or {@link #parseFeatures} ({@code classes == 0}) into {@code out},
     * grown if needed; on {@link BadInput} its contents are undefined.
     */
    public static void parseInto(byte[] b, int length, int featureCount, int classes, InputNorm norm, Buffer out) throws BadInput {
        boolean labelled = classes > 0;
        int perLine = featureCount + (labelled ? 1 : 0);
        int maxRows = 1;
        for (int i = 0; i < length; i++) if (b[i] == '\n') maxRows++;
        // Allocate for the rows the body can hold, but never more than its bytes could describe.
        long bound = Math.min(maxRows, length / (2L * perLine - 1) + 1);
        out.ensure((int) bound, featureCount);
        float[] features = out.features;
        float[] labels = out.labels;
        float mean = norm.mean(), scale = 1f / norm.std();
        int rows = 0;
        int line = 0;
        // A UTF-8 byte-order mark, which some tools write before CSV text, is not part of the first value.
        int pos = length >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF ? 3 : 0;
        while (pos < length) {
            line++;
            int end = pos;
            while (end < length && b[end] != '\n') end++;
            int next = end + 1;
            if (end > pos && b[end - 1] == '\r') end--;
            if (isBlank(b, pos, end)) {
                pos = next;
                continue;
            }
            int values = 1;
            for (int i = pos; i < end; i++) if (b[i] == ',') values++;
            if (values != perLine) {
                throw new BadInput("line " + line + ": expected " + perLine + " comma-separated values ("
                        + (labelled ? "a label and " + featureCount + " features" : featureCount + " features") + "), got " + values);
            }
            int base = rows * featureCount;
            int start = pos;
            for (int v = 0; v < perLine; v++) {
                int stop = start;
                while (stop < end && b[stop] != ',') stop++;
                float x = number(b, start, stop, line, v + 1);
                if (labelled && v == 0) {
                    if (x != Math.rint(x)) {
                        throw new BadInput("line " + line + ": label " + text(b, start, stop) + " is not an integer (classes are 0.."
                                + (classes - 1) + ")");
                    }
                    if (x < 0 || x >= classes) {
                        throw new BadInput("line " + line + ": label " + text(b, start, stop) + " is out of range (classes are 0.."
                                + (classes - 1) + ")");
                    }
                    labels[rows] = x == 0 ? 0f : x;  // no -0
                } else {
                    float z = (x - mean) * scale;
                    // A finite literal near Float.MAX_VALUE overflows once standardized; fed to the network it made
                    // the loss NaN and, through Adam's update, every weight.
                    if (!Float.isFinite(z)) {
                        throw new BadInput("line " + line + ", value " + (v + 1) + ": " + text(b, start, stop)
                                + " is too large (standardized as (x - " + norm.mean() + ") / " + norm.std() + " it is not a finite float)");
                    }
                    features[base + v - (labelled ? 1 : 0)] = z;
                }
                start = stop + 1;
            }
            rows++;
            pos = next;
        }
        if (rows == 0) throw new BadInput("the body holds no lines (expected " + (labelled ? "label," : "") + "x1,...,x" + featureCount + " per line)");
        out.rows = rows;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != ' ' && b[i] != '\t') return false;
        return true;
    }

    /**
     * The number in {@code b[from, to)} (surrounding blanks allowed), parsed exactly as
     * {@link Float#parseFloat} would. Plain decimals with at most 15 significant digits (what
     * {@code Float.toString} writes) take a fast path: mantissa and power of ten are exact doubles, so
     * their quotient is the correctly rounded double of the literal, and rounding that double to float
     * gives the float nearest the literal unless the double sits within one of its ulps of a point
     * halfway between two floats; those rare cases go the general way.
     */
    static float number(byte[] b, int from, int to, int line, int field) throws BadInput {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) from++;
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) to--;
        if (from == to) throw new BadInput("line " + line + ", value " + field + ": empty value");
        int i = from;
        boolean negative = false;
        if (b[i] == '-' || b[i] == '+') negative = b[i++] == '-';
        long mantissa = 0;
        int digits = 0, significant = 0, fractionDigits = 0;
        boolean dot = false;
        for (; i < to; i++) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                digits++;
                if (mantissa != 0 || c != '0') significant++;
                if (significant > MAX_FAST_DIGITS) break;
                mantissa = mantissa * 10 + (c - '0');
                if (dot) fractionDigits++;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (i == to && digits > 0 && fractionDigits < POW10.length) {
            double q = fractionDigits == 0 ? mantissa : mantissa / POW10[fractionDigits];
            long low = Double.doubleToRawLongBits(q) & DISCARDED_BITS;
            if (Math.abs(low - HALF_FLOAT_ULP) > 1) {
                float v = (float) q;
                return negative ? -v : v;
            }
        }
        // General case: only the characters of a decimal literal (Float.parseFloat also takes hex,
        // "1f", "NaN", "Infinity", which are not numbers here).
        for (int k = from; k < to; k++) {
            byte c = b[k];
            if (!(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                String t = text(b, from, to);
                String lower = t.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
                if (lower.equals("nan") || lower.equals("inf") || lower.equals("infinity")) {
                    throw new BadInput("line " + line + ", value " + field + ": " + t + " is not allowed (values must be finite numbers)");
                }
                throw new BadInput("line " + line + ", value " + field + ": '" + t + "' is not a number");
            }
        }
        String t = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        float v;
        try {
            v = Float.parseFloat(t);
        } catch (NumberFormatException e) {
            throw new BadInput("line " + line + ", value " + field + ": '" + t + "' is not a number");
        }
        if (!Float.isFinite(v)) {
            throw new BadInput("line " + line + ", value " + field + ": " + t + " is too large for a float (values must be finite)");
        }
        return v;
    }

    /** Up to 15 decimal digits, a mantissa is below 2^53 and so an exact double. */
    private static final int MAX_FAST_DIGITS = 15;
    /** Powers of ten that are exact doubles (10^22 is the last). */
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
            1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    /** The 29 low fraction bits a double loses when rounded to a (normal) float, and their halfway value. */
    private static final long DISCARDED_BITS = (1L << 29) - 1;
    private static final long HALF_FLOAT_ULP = 1L << 28;

    /** The value as written, shortened for messages. */
    private static String text(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) from++;
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) to--;
        int n = Math.min(to - from, 40);
        String s = new String(b, from, n, StandardCharsets.ISO_8859_1);
        return n < to - from ? s + "..." : s;
    }
}
