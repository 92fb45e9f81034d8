package org.jitgrad.testing;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparisons of float arrays that report the first offending index. */
public final class Approx {
    private Approx() {}

    /** Exact equality, bit for bit apart from -0/+0, with the index of the first difference. */
    public static void assertExact(float[] expected, float[] actual, String what) {
        assertClose(expected, actual, 0, 0f, what);
    }

    /**
     * {@code |e - a| <= ulps * ulp(max(|e|,|a|)) + abs} at each index; NaNs must match. Compares the
     * whole arrays, so regions outside a kernel's span are checked to be untouched.
     */
    public static void assertClose(float[] expected, float[] actual, int ulps, float abs, String what) {
        if (expected.length != actual.length) fail(what + ": length " + actual.length + " != expected " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) || Float.isNaN(a)) {
                if (Float.isNaN(e) != Float.isNaN(a)) fail(what + ": at " + i + " expected " + e + " but was " + a);
                continue;
            }
            if (e == a) continue;
            float tol = ulps * Math.ulp(Math.max(Math.abs(e), Math.abs(a))) + abs;
            if (!(Math.abs(e - a) <= tol)) {
                fail(what + ": at index " + i + " expected " + e + " but was " + a + " (diff " + Math.abs(e - a)
                        + " > tol " + tol + ")");
            }
        }
    }

    /** Relative closeness {@code |e - a| <= rel * max(|e|,|a|) + abs}. */
    public static void assertRel(float[] expected, float[] actual, double rel, double abs, String what) {
        if (expected.length != actual.length) fail(what + ": length " + actual.length + " != expected " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (!(Math.abs(e - a) <= rel * Math.max(Math.abs(e), Math.abs(a)) + abs)) {
                fail(what + ": at index " + i + " expected " + e + " but was " + a);
            }
        }
    }
}
