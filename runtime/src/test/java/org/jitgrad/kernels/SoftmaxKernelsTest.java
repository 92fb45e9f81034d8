package org.jitgrad.kernels;

import static org.jitgrad.testing.Approx.assertRel;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jitgrad.testing.Rand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link SoftmaxKernels} against {@link ScalarKernels} (double internally), on every axis position. */
class SoftmaxKernelsTest {
    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#axisViews")
    void softmaxAndLogSoftmax(int outer, int len, int inner) {
        int size = outer * len * inner;
        float[] x = Rand.uniform(size, size, -8f, 8f);
        float[] e = Sizes.sentinel(size + 1), a = Sizes.sentinel(size + 1);
        ScalarKernels.softmax(x, outer, len, inner, e);
        SoftmaxKernels.softmax(x, outer, len, inner, a);
        assertRel(e, a, 1e-5, 1e-9, "softmax " + outer + "," + len + "," + inner);

        ScalarKernels.logSoftmax(x, outer, len, inner, e);
        SoftmaxKernels.logSoftmax(x, outer, len, inner, a);
        assertRel(e, a, 1e-6, 4e-6, "logSoftmax " + outer + "," + len + "," + inner);
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#axisViews")
    void backwardForms(int outer, int len, int inner) {
        int size = outer * len * inner;
        float[] x = Rand.uniform(size + 1, size, -4f, 4f);
        float[] g = Rand.uniform(size + 2, size, -1f, 1f);
        float[] y = new float[size];
        ScalarKernels.softmax(x, outer, len, inner, y);
        float[] e = Sizes.sentinel(size + 1), a = Sizes.sentinel(size + 1);
        ScalarKernels.softmaxGrad(y, g, outer, len, inner, e);
        SoftmaxKernels.softmaxGrad(y, g, outer, len, inner, a);
        assertRel(e, a, 1e-4, 1e-6, "softmaxGrad " + outer + "," + len + "," + inner);

        ScalarKernels.logSoftmax(x, outer, len, inner, y);
        ScalarKernels.logSoftmaxGrad(y, g, outer, len, inner, e);
        SoftmaxKernels.logSoftmaxGrad(y, g, outer, len, inner, a);
        assertRel(e, a, 1e-4, 1e-5, "logSoftmaxGrad " + outer + "," + len + "," + inner);
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengths")
    void rowAndLogSumExpWithOffsets(int n) {
        int off = 5;
        float[] x = Rand.uniform(n, n + off + 3, -30f, 30f);
        float[] e = Sizes.sentinel(n + off + 3), a = Sizes.sentinel(n + off + 3);
        ScalarKernels.softmaxRow(x, off, n, e);
        SoftmaxKernels.softmaxRow(x, off, n, a);
        assertRel(e, a, 1e-5, 1e-12, "softmaxRow n=" + n);
        for (int stride : new int[] {1, 2}) {
            int len = (x.length - off) / stride;
            float le = ScalarKernels.logSumExp(x, off, len, stride), la = SoftmaxKernels.logSumExp(x, off, len, stride);
            assertEquals(le, la, 4e-6 * Math.max(1, Math.abs(le)), "logSumExp n=" + n + " stride=" + stride);
        }
    }
}
