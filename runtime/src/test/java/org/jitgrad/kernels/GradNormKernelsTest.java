package org.jitgrad.kernels;

import static org.jitgrad.testing.Approx.assertExact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link GradNormKernels} against plain loops, over the vector body, the tail and both. */
class GradNormKernelsTest {
    static java.util.stream.IntStream lengths() {
        return Sizes.lengths();
    }

    private static double referenceSumOfSquares(float[] g, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) g[i] * g[i];
        return s;
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void sumOfSquaresMatchesADoubleLoop(int n) {
        float[] g = Rand.uniform(n, n + 5, -3f, 3f);
        double expected = referenceSumOfSquares(g, n);
        // only the order of the double additions differs: relative error near 1e-16
        assertEquals(expected, GradNormKernels.sumOfSquares(g, n), 1e-13 * expected, "n=" + n);
    }

    @Test
    void sumOfSquaresReadsOnlyTheFirstNElements() {
        float[] g = Sizes.sentinel(40);
        Arrays.fill(g, 0, 17, 2f);
        assertEquals(17 * 4.0, GradNormKernels.sumOfSquares(g, 17), 0);
        assertEquals(0.0, GradNormKernels.sumOfSquares(g, 0), 0);
    }

    @Test
    void sumOfSquaresNeitherOverflowsNorLosesSmallTerms() {
        float[] big = new float[33];
        Arrays.fill(big, 1e30f);  // about 1e60 each: far beyond float's range
        double square = (double) 1e30f * 1e30f;
        assertEquals(33 * square, GradNormKernels.sumOfSquares(big, 33), 1e-13 * 33 * square);
        // a float sum would round 2^24 + 1 + 1 + ... back to 2^24
        float[] mixed = new float[1 + (1 << 12)];
        Arrays.fill(mixed, 1f);
        mixed[0] = 4096f;  // 4096² = 2^24
        assertEquals((double) (1 << 24) + (1 << 12), GradNormKernels.sumOfSquares(mixed, mixed.length), 0);
    }

    @Test
    void sumOfSquaresPropagatesNaNAndInfinity() {
        float[] g = new float[17];
        g[16] = Float.NaN;
        assertTrue(Double.isNaN(GradNormKernels.sumOfSquares(g, 17)));
        g[16] = 0f;
        g[3] = Float.NEGATIVE_INFINITY;
        assertEquals(Double.POSITIVE_INFINITY, GradNormKernels.sumOfSquares(g, 17));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void addScaleSumOfSquaresMatchesScalarLoopsAndLeavesTheRestAlone(int n) {
        float[] acc = Rand.uniform(n * 3L, n, -2f, 2f), other = Rand.uniform(n * 3L + 1, n + 2, -2f, 2f);
        float[] actual = Arrays.copyOf(acc, n + 3);
        Arrays.fill(actual, n, n + 3, 42.5f);
        float[] expected = actual.clone();
        for (int i = 0; i < n; i++) expected[i] = (acc[i] + other[i]) * 0.5f;
        double squares = GradNormKernels.addScaleSumOfSquares(actual, other, 0.5f, n);
        assertExact(expected, actual, "averaged n=" + n);
        double reference = referenceSumOfSquares(expected, n);
        assertEquals(reference, squares, 1e-13 * reference, "sum of squares n=" + n);
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void scaleMatchesAScalarLoopAndLeavesTheRestAlone(int n) {
        float[] g = Rand.uniform(n * 7L, n, -2f, 2f);
        float[] actual = Arrays.copyOf(g, n + 3);
        Arrays.fill(actual, n, n + 3, 42.5f);
        float[] expected = actual.clone();
        for (int i = 0; i < n; i++) expected[i] = g[i] * 0.3f;
        GradNormKernels.scale(actual, n, 0.3f);
        assertExact(expected, actual, "scale n=" + n);
    }

    @Test
    void scaleByOneChangesNothing() {
        float[] g = {1f, Float.NaN, -0f, 3e-40f};
        float[] before = g.clone();
        GradNormKernels.scale(g, 4, 1f);
        assertExact(before, g, "scale by 1");
    }

    @Test
    void allocatesNothing() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        float[] g = Rand.uniform(3, 1031, -1f, 1f);
        long best = Long.MAX_VALUE;
        double sink = 0;
        long deadline = System.nanoTime() + 8_000_000_000L;
        while (best > 0 && System.nanoTime() < deadline) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int r = 0; r < 200; r++) {
                sink += GradNormKernels.sumOfSquares(g, g.length);
                GradNormKernels.scale(g, g.length, 0.999f);
            }
            best = Math.min(best, bean.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(sink > 0);
        assertEquals(0, best, "bytes allocated by 200 sums of squares and scales (after warm-up)");
    }
}
