package org.jitgrad.app.cli;

import java.util.Locale;

/** Number formatting for the app's output (always with a dot, whatever the locale). */
final class Format {
    private Format() {}

    static String f(String pattern, Object... args) { return String.format(Locale.ROOT, pattern, args); }

    static String percent(double fraction) { return f("%.2f%%", 100 * fraction); }

    static String bytes(long n) {
        if (n < 10_000) return n + " B";
        if (n < 10_000_000) return f("%.1f kB", n / 1e3);
        return f("%.1f MB", n / 1e6);
    }

    static String count(long n) { return f("%,d", n); }

    /** {@code n} and the noun, singular for 1: "1 epoch", "3 epochs". */
    static String plural(long n, String noun) { return plural(n, noun, noun + "s"); }

    /** {@code n} and {@code one} for 1, else {@code many}: "1 batch", "20 batches". */
    static String plural(long n, String one, String many) { return n + " " + (n == 1 ? one : many); }

    /** As {@link #plural} with the count grouped: "1 step", "1,234 steps". */
    static String count(long n, String noun) { return count(n) + " " + noun + (n == 1 ? "" : "s"); }
}
