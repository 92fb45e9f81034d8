package org.jitgrad.app.cli;

/** The {@code --threads} option's effect. */
final class Threads {
    /** System property the runtime's GEMM thread pool reads when its class loads. */
    static final String PROPERTY = "jitgrad.threads";

    private Threads() {}

    /** Sets the property (before any kernel class is loaded, which happens on the first tensor op). */
    static void apply(Integer threads) {
        if (threads == null) return;
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        System.setProperty(PROPERTY, Integer.toString(threads));
    }
}
