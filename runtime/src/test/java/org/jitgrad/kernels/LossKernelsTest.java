package org.jitgrad.kernels;

import static org.jitgrad.testing.Approx.assertRel;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jitgrad.testing.Rand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link LossKernels} and {@link TransposeKernel} against {@link ScalarKernels}. */
class LossKernelsTest {
    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengths")
    void crossEntropyAndGradient(int classes) {
        int batch = 3;
        float[] logits = Rand.uniform(classes, batch * classes, -6f, 6f);
        float[] labels = {0, classes - 1, classes / 2};
        float e = ScalarKernels.crossEntropy(logits, labels, batch, classes);
        float a = LossKernels.crossEntropy(logits, labels, batch, classes);
        assertEquals(e, a, 2e-6 * Math.max(1, Math.abs(e)), "crossEntropy classes=" + classes);
        float[] ge = new float[batch * classes], ga = new float[batch * classes];
        ScalarKernels.crossEntropyGrad(logits, labels, 0.7f, batch, classes, ge);
        LossKernels.crossEntropyGrad(logits, labels, 0.7f, batch, classes, ga);
        assertRel(ge, ga, 1e-5, 1e-8, "crossEntropyGrad classes=" + classes);
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengths")
    void transpose(int n) {
        for (int rows : new int[] {1, 3, 33}) {
            float[] x = Rand.uniform(n, rows * n, -1f, 1f);
            float[] e = new float[rows * n], a = new float[rows * n];
            ScalarKernels.transpose(x, rows, n, e);
            TransposeKernel.transpose(x, rows, n, a);
            org.jitgrad.testing.Approx.assertExact(e, a, "transpose " + rows + "x" + n);
        }
    }
}
