package org.jitgrad.kernels;

import static org.jitgrad.testing.Approx.assertClose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each {@link UnaryKernels} kernel against {@link ScalarKernels}, on lengths with and without a tail. */
class UnaryKernelsTest {
    interface Kernel {
        void run(float[] x, float[] y, int n);
    }

    /** Runs both kernels on {@code x} into sentinel-filled outputs one longer than n; compares everything. */
    private static void compare(String name, Kernel vec, Kernel ref, float[] x, int ulps, float abs) {
        int n = x.length;
        float[] xs = java.util.Arrays.copyOf(x, n + 1);
        xs[n] = 99f;
        float[] expected = Sizes.sentinel(n + 1), actual = Sizes.sentinel(n + 1);
        ref.run(xs, expected, n);
        vec.run(xs, actual, n);
        assertClose(expected, actual, ulps, abs, name + " n=" + n);
        // in place: x and y the same array
        float[] inPlace = xs.clone();
        vec.run(inPlace, inPlace, n);
        float[] expectedInPlace = expected.clone();
        expectedInPlace[n] = 99f;
        assertClose(expectedInPlace, inPlace, ulps, abs, name + " in place n=" + n);
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengths")
    void exactOps(int n) {
        float[] x = Rand.uniform(n, n, -50f, 50f);
        compare("neg", UnaryKernels::neg, ScalarKernels::neg, x, 0, 0f);
        compare("scale", (a, b, m) -> UnaryKernels.scale(a, -1.75f, b, m), (a, b, m) -> ScalarKernels.scale(a, -1.75f, b, m), x, 0, 0f);
        compare("relu", UnaryKernels::relu, ScalarKernels::relu, x, 0, 0f);
        compare("pow2", (a, b, m) -> UnaryKernels.pow(a, 2f, b, m), (a, b, m) -> ScalarKernels.pow(a, 2f, b, m), x, 0, 0f);
        float[] pos = Rand.uniform(n + 1, n, 0f, 100f);
        compare("sqrt", UnaryKernels::sqrt, ScalarKernels::sqrt, pos, 0, 0f);
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengths")
    void transcendentals(int n) {
        compare("exp", UnaryKernels::exp, ScalarKernels::exp, Rand.uniform(n, n, -20f, 20f), 4, 0f);
        compare("log", UnaryKernels::log, ScalarKernels::log, Rand.uniform(n, n, 1e-3f, 1e3f), 4, 1e-7f);
        // the rational form's documented error (UnaryOp.tanh) against Math.tanh rounded to float
        compare("tanh", UnaryKernels::tanh, ScalarKernels::tanh, Rand.uniform(n, n, -6f, 6f), 0, 5e-7f);
        compare("sigmoid", UnaryKernels::sigmoid, ScalarKernels::sigmoid, Rand.uniform(n, n, -20f, 20f), 4, 0f);
        float[] pos = Rand.uniform(n + 7, n, 0.01f, 10f);
        for (float p : new float[] {3f, 0.5f, -1.5f}) {
            compare("pow" + p, (a, b, m) -> UnaryKernels.pow(a, p, b, m), (a, b, m) -> ScalarKernels.pow(a, p, b, m), pos, 4, 0f);
        }
    }

    /**
     * Once compiled, a call allocates nothing. A helper method taking a vector that C2 leaves out of line boxes every
     * vector it passes (pow's did, 12 KB per 1,000 floats; tanh's and erf's did after some JIT histories), so the
     * kernels write their formulas out in their loops; this holds them to it.
     */
    @Test
    void steadyStateCallsDoNotAllocate() {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        int n = 1000;   // 62 whole vectors of 16 and a tail (of 8 with 256-bit vectors)
        float[] x = Rand.uniform(1, n, 0.1f, 4f), g = Rand.uniform(2, n, -1f, 1f), y = new float[n];
        Map<String, Runnable> kernels = new LinkedHashMap<>();
        kernels.put("tanh", () -> UnaryKernels.tanh(x, y, n));
        kernels.put("erf", () -> UnaryKernels.erf(x, y, n));
        kernels.put("gelu", () -> UnaryKernels.gelu(x, y, n));
        kernels.put("geluGrad", () -> GradKernels.geluGrad(g, x, y, n));
        kernels.put("sigmoid", () -> UnaryKernels.sigmoid(x, y, n));
        kernels.put("exp", () -> UnaryKernels.exp(x, y, n));
        for (float p : new float[] {2f, 0.5f, -0.5f, -1f, -1.5f, 3f}) kernels.put("pow" + p, () -> UnaryKernels.pow(x, p, y, n));
        for (Map.Entry<String, Runnable> k : kernels.entrySet()) {
            long best = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (best > 0 && System.nanoTime() < deadline) {
                long before = bean.getCurrentThreadAllocatedBytes();
                for (int r = 0; r < 200; r++) k.getValue().run();
                best = Math.min(best, bean.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(0, best, "bytes allocated by 200 calls of " + k.getKey() + " on " + n + " floats");
        }
    }
}
