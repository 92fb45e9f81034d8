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
}
