package org.jitgrad.compile;

/** Reading a compiled step's plan ({@link Compiled#explain()}) in tests. */
final class Plans {
    private Plans() {}

    /** The listing of {@code step}'s steps after fusion (its last run's plan). */
    static String steps(Compiled step) {
        String plan = step.explain();
        return plan.substring(plan.indexOf("== steps after fusion"));
    }

    /** How many times {@code what} occurs in {@code text}. */
    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
