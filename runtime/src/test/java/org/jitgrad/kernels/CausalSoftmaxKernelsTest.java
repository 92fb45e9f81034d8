package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * {@link SoftmaxKernels#causalSoftmax} and {@link SoftmaxKernels#causalSoftmaxGrad} give the bits of the composite
 * they replace in the compiler: {@code softmax(where(mask, -inf, scale·s))} and {@code scale·where(mask, 0,
 * softmax_grad(p, g))}, with the mask 1 exactly above each block's diagonal.
 */
class CausalSoftmaxKernelsTest {
    private static float[] random(long seed, int n, float scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian() * scale;
        return x;
    }

    private static void assertSameBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    what + " at " + i + ": " + expected[i] + " against " + actual[i]);
        }
    }

    @Test
    void forwardAndBackwardAreTheCompositesBits() {
        int vector = FloatVector.SPECIES_PREFERRED.length();
        for (int t : new int[] {vector, 2 * vector, 4 * vector}) {
            assertTrue(SoftmaxKernels.causalFits(t));
            int blocks = 3, n = blocks * t * t;
            float scale = 0.17677669f;
            float[] s = random(t, n, 4f);
            s[5] = -1e30f;    // very negative but finite, below the diagonal of row 5 if t > 5
            float[] z = new float[n];
            for (int r = 0; r < blocks * t; r++) {
                for (int j = 0; j < t; j++) z[r * t + j] = j > r % t ? Float.NEGATIVE_INFINITY : s[r * t + j] * scale;
            }
            float[] expected = new float[n], actual = new float[n];
            SoftmaxKernels.softmax(z, blocks * t, t, 1, expected);
            Arrays.fill(actual, Float.NaN);   // every element must be written
            SoftmaxKernels.causalSoftmax(s, scale, blocks, t, actual);
            assertSameBits(expected, actual, "softmax t=" + t);

            float[] g = random(t + 1, n, 1f);
            float[] sg = new float[n];
            SoftmaxKernels.softmaxGrad(expected, g, blocks * t, t, 1, sg);
            float[] expectedGrad = new float[n], actualGrad = new float[n];
            for (int r = 0; r < blocks * t; r++) {
                for (int j = 0; j < t; j++) expectedGrad[r * t + j] = (j > r % t ? 0f : sg[r * t + j]) * scale;
            }
            Arrays.fill(actualGrad, Float.NaN);
            SoftmaxKernels.causalSoftmaxGrad(actual, g, scale, blocks, t, actualGrad);
            assertSameBits(expectedGrad, actualGrad, "gradient t=" + t);
        }
    }

    @Test
    void aRowWithNothingButMinusInfinityIsZero() {
        int t = FloatVector.SPECIES_PREFERRED.length();
        float[] s = new float[t * t];
        Arrays.fill(s, Float.NEGATIVE_INFINITY);
        float[] p = new float[t * t];
        SoftmaxKernels.causalSoftmax(s, 1f, 1, t, p);
        for (float v : p) assertEquals(0f, v);
    }

    @Test
    void rowsOfPartialVectorsAreNotTaken() {
        assertFalse(SoftmaxKernels.causalFits(7));
        assertFalse(SoftmaxKernels.causalFits(0));
    }
}
