package org.jitgrad.kernels;

import java.util.Locale;

/**
 * Reads the {@code jitgrad.*} system properties that tune the kernels. A malformed or out-of-range value is an
 * error naming the property and the value, not a silent fall-back to the default: a benchmark run with
 * {@code -Djitgrad.gemm.sharedPackMin=9e18} once measured the default while its notes said otherwise.
 */
final class KernelProperties {
    private KernelProperties() {}

    /** The integer property {@code name}, or {@code fallback} when it is not set; at least {@code min}. */
    static int intValue(String name, int fallback, int min) {
        long v = longValue(name, fallback, min);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("system property " + name + "=" + System.getProperty(name)
                    + " is larger than " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    /** The integer property {@code name}, or {@code fallback} when it is not set; at least {@code min}. */
    static long longValue(String name, long fallback, long min) {
        String raw = System.getProperty(name);
        if (raw == null) {
            return fallback;
        }
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + name + "=" + raw
                    + " is not a whole number (write it out, e.g. 9000000000000000000, not 9e18)", e);
        }
        if (v < min) {
            throw new IllegalArgumentException("system property " + name + "=" + raw + " is below its minimum " + min);
        }
        return v;
    }

    /** The boolean property {@code name} ({@code true} or {@code false}, any case), or {@code fallback} when not set. */
    static boolean flag(String name, boolean fallback) {
        String raw = System.getProperty(name);
        if (raw == null) {
            return fallback;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("system property " + name + "=" + raw
                    + " is neither true nor false");
        };
    }
}
