package org.jitgrad.kernels;

import static org.jitgrad.testing.Approx.assertExact;

import org.jitgrad.testing.Rand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link GradKernels} against {@link ScalarKernels}: the same arithmetic, so bit-exact. */
class GradKernelsTest {
    interface Kernel {
        void run(float[] g, float[] y, float[] out, int n);
    }

    private static void compare(String name, Kernel vec, Kernel ref, float[] y, int n) {
        float[] g = Rand.uniform(n + 100, n + 1, -2f, 2f);
        float[] e = Sizes.sentinel(n + 1), a = Sizes.sentinel(n + 1);
        ref.run(g, y, e, n);
        vec.run(g, y, a, n);
        assertExact(e, a, name + " n=" + n);
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengths")
    void activationGradients(int n) {
        compare("tanhGrad", GradKernels::tanhGrad, ScalarKernels::tanhGrad, Rand.uniform(n, n + 1, -1f, 1f), n);
        compare("sigmoidGrad", GradKernels::sigmoidGrad, ScalarKernels::sigmoidGrad, Rand.uniform(n, n + 1, 0f, 1f), n);
        float[] y = Rand.uniform(n, n + 1, -1f, 1f);
        for (int i = 0; i < y.length; i++) y[i] = Math.max(y[i], 0f);   // relu outputs, with exact zeros
        compare("reluGrad", GradKernels::reluGrad, ScalarKernels::reluGrad, y, n);
    }
}
