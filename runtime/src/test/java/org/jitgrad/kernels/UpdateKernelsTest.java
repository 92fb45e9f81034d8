package org.jitgrad.kernels;

import static org.jitgrad.testing.Approx.assertClose;
import static org.jitgrad.testing.Approx.assertExact;

import java.util.stream.Stream;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link UpdateKernels} against {@link ScalarKernels} over three steps. */
class UpdateKernelsTest {
    static Stream<Arguments> sgdCases() {
        return Sizes.lengths().boxed().flatMap(n -> Stream.of(
                Arguments.of(n, 0f, 0f, false), Arguments.of(n, 0f, 0.01f, false),
                Arguments.of(n, 0.9f, 0f, false), Arguments.of(n, 0.9f, 0.01f, false), Arguments.of(n, 0.9f, 0.01f, true)));
    }

    @ParameterizedTest
    @MethodSource("sgdCases")
    void sgd(int n, float momentum, float wd, boolean nesterov) {
        float[] pe = Rand.uniform(n, n, -1f, 1f), pa = pe.clone();
        float[] ve = new float[n], va = new float[n];
        for (int step = 0; step < 3; step++) {
            float[] g = Rand.uniform(n * 10L + step, n, -1f, 1f);
            ScalarKernels.sgd(pe, g, ve, n, 0.1f, momentum, wd, nesterov);
            UpdateKernels.sgd(pa, g, va, n, 0.1f, momentum, wd, nesterov);
            String what = "sgd n=" + n + " mu=" + momentum + " wd=" + wd + " nesterov=" + nesterov + " step " + step;
            assertExact(pe, pa, what + " params");
            assertExact(ve, va, what + " velocity");
        }
    }

    static Stream<Arguments> adamCases() {
        return Sizes.lengths().boxed().flatMap(n -> Stream.of(
                Arguments.of(n, 0f, false), Arguments.of(n, 0.1f, false), Arguments.of(n, 0.1f, true)));
    }

    @ParameterizedTest
    @MethodSource("adamCases")
    void adam(int n, float wd, boolean decoupled) {
        float[] pe = Rand.uniform(n, n, -1f, 1f), pa = pe.clone();
        float[] me = new float[n], ma = new float[n], ve = new float[n], va = new float[n];
        float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        for (int t = 1; t <= 3; t++) {
            float[] g = Rand.uniform(n * 10L + t, n, -1f, 1f);
            float bc1 = (float) (1 - Math.pow(b1, t)), bc2 = (float) (1 - Math.pow(b2, t));
            ScalarKernels.adam(pe, g, me, ve, n, lr, b1, b2, eps, wd, decoupled, bc1, bc2);
            UpdateKernels.adam(pa, g, ma, va, n, lr, b1, b2, eps, wd, decoupled, bc1, bc2);
            String what = "adam n=" + n + " wd=" + wd + " decoupled=" + decoupled + " step " + t;
            assertExact(me, ma, what + " first moment");
            assertClose(ve, va, 2, 0f, what + " second moment");
            assertClose(pe, pa, 2, 1e-7f, what + " params");
        }
    }
}
