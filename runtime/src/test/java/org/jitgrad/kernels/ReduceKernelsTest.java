package org.jitgrad.kernels;

import static org.jitgrad.testing.Approx.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.jitgrad.testing.Rand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ReduceKernels} against {@link ScalarKernels}. Sums allow float rounding; max and routing are exact. */
class ReduceKernelsTest {
    /** Float summation of k terms: error below a few k·eps·Σ|x|; a lost element is far larger. */
    private static void assertSumClose(float[] expected, float[] actual, float[] x, int terms, String what) {
        double absSum = 0;
        for (float v : x) absSum += Math.abs(v);
        double tol = 4 * Math.max(terms, 8) * Math.ulp(1f) * absSum / Math.max(1, expected.length) + 1e-6;
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + ": at " + i + " expected " + expected[i] + " but was " + actual[i] + " (tol " + tol + ")");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengths")
    void sum(int n) {
        float[] x = Rand.uniform(n, n + 3, 0.5f, 1.5f);
        x[n] = 1000f;   // beyond n: must not be read
        float e = ScalarKernels.sum(x, n), a = ReduceKernels.sum(x, n);
        assertSumClose(new float[] {e}, new float[] {a}, java.util.Arrays.copyOf(x, n), n, "sum n=" + n);
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengths")
    void maxRowWithOffset(int n) {
        for (int off : new int[] {0, 3}) {
            float[] x = Rand.uniform(n + off, n + off + 2, -5f, 5f);
            x[n + off] = 1e9f;   // beyond the span
            if (off > 0) x[off - 1] = 1e9f;
            assertEquals(ScalarKernels.maxRow(x, off, n), ReduceKernels.maxRow(x, off, n), "maxRow n=" + n + " off=" + off);
            // the maximum in the very last position (the tail) must be found
            x[off + n - 1] = 100f;
            assertEquals(100f, ReduceKernels.maxRow(x, off, n), "maxRow with the maximum last, n=" + n);
        }
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#axisViews")
    void sumAxis(int outer, int len, int inner) {
        float[] x = Rand.uniform(outer * 7L + len * 3L + inner, outer * len * inner, -1f, 1f);
        float[] e = Sizes.sentinel(outer * inner + 1), a = Sizes.sentinel(outer * inner + 1);
        ScalarKernels.sumAxis(x, outer, len, inner, e);
        ReduceKernels.sumAxis(x, outer, len, inner, a);
        double tol = 4 * Math.max(len, 8) * Math.ulp(1f) * len + 1e-6;   // |x| < 1 per term
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tol)) fail("sumAxis " + outer + "," + len + "," + inner + " at " + i + ": " + e[i] + " vs " + a[i]);
        }
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#axisViews")
    void maxAxisAndItsGradient(int outer, int len, int inner) {
        int size = outer * len * inner;
        float[] x = Rand.distinct(size, size, 0.25f, -size / 8f);
        float[] e = Sizes.sentinel(outer * inner + 1), a = Sizes.sentinel(outer * inner + 1);
        ScalarKernels.maxAxis(x, outer, len, inner, e);
        ReduceKernels.maxAxis(x, outer, len, inner, a);
        assertExact(e, a, "maxAxis " + outer + "," + len + "," + inner);

        float[] g = Rand.uniform(5, outer * inner, -1f, 1f);
        float[] ge = Sizes.sentinel(size + 1), ga = Sizes.sentinel(size + 1);
        ScalarKernels.maxAxisGrad(x, g, outer, len, inner, ge);
        ReduceKernels.maxAxisGrad(x, g, outer, len, inner, ga);
        assertExact(ge, ga, "maxAxisGrad " + outer + "," + len + "," + inner);
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#axisViews")
    void maxAxisGradTiesGoToTheFirst(int outer, int len, int inner) {
        int size = outer * len * inner;
        float[] x = new float[size];   // all equal: every position ties
        float[] g = Rand.uniform(9, outer * inner, 1f, 2f);
        float[] e = new float[size], a = new float[size];
        ScalarKernels.maxAxisGrad(x, g, outer, len, inner, e);
        ReduceKernels.maxAxisGrad(x, g, outer, len, inner, a);
        assertExact(e, a, "maxAxisGrad ties");
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) assertEquals(g[o * inner + i], a[o * len * inner + i], "first position gets it all");
        }
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#axisViews")
    void expandAxis(int outer, int len, int inner) {
        float[] g = Rand.uniform(3, outer * inner, -1f, 1f);
        float[] e = Sizes.sentinel(outer * len * inner + 1), a = Sizes.sentinel(outer * len * inner + 1);
        ScalarKernels.expandAxis(g, outer, len, inner, e);
        ReduceKernels.expandAxis(g, outer, len, inner, a);
        assertExact(e, a, "expandAxis " + outer + "," + len + "," + inner);
    }
}
