package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The pooling kernels on hand-computed planes: ties, NaN, overlapping windows, skipped edges. */
class PoolKernelsTest {
    /** One 4x5 plane: 2x2 windows every 2 drop the last column. */
    private static final float[] PLANE = {
        1, 5, 2, 0, 9,
        3, 4, 8, 8, 9,
        7, 7, 0, 1, 9,
        7, 6, 1, 2, 9,
    };

    @Test
    void maxPoolAndItsGradient() {
        float[] out = new float[4];
        PoolKernels.maxPool(PLANE, 1, 4, 5, 2, 2, out);
        assertArrayEquals(new float[] {5, 8, 7, 2}, out);
        float[] dx = new float[20];
        java.util.Arrays.fill(dx, -1f);
        PoolKernels.maxPoolGrad(PLANE, new float[] {10, 20, 30, 40}, 1, 4, 5, 2, 2, dx);
        // ties 8/8 and 7/7/7 go to the first in row-major order; the dropped column gets nothing
        assertArrayEquals(new float[] {
            0, 10, 0, 0, 0,
            0, 0, 20, 0, 0,
            30, 0, 0, 0, 0,
            0, 0, 0, 40, 0,
        }, dx);
    }

    @Test
    void overlappingWindowsAddTheirGradients() {
        float[] x = {0, 1, 0, 2, 9, 3, 0, 1, 0};  // 3x3, the centre is every 2x2 window's maximum
        float[] out = new float[4];
        PoolKernels.maxPool(x, 1, 3, 3, 2, 1, out);
        assertArrayEquals(new float[] {9, 9, 9, 9}, out);
        float[] dx = new float[9];
        PoolKernels.maxPoolGrad(x, new float[] {1, 2, 3, 4}, 1, 3, 3, 2, 1, dx);
        assertArrayEquals(new float[] {0, 0, 0, 0, 10, 0, 0, 0, 0}, dx);
        PoolKernels.avgPool(x, 1, 3, 3, 2, 1, out);
        assertArrayEquals(new float[] {3, 3.25f, 3, 3.25f}, out);
        PoolKernels.avgPoolGrad(new float[] {4, 8, 12, 16}, 1, 3, 3, 2, 1, dx);
        assertArrayEquals(new float[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, dx);
    }

    /** The 2x2 fast path against a plain scan: values from a small set, so ties, signed zeros and NaN are common. */
    @Test
    void twoByTwoWindowsRouteTheGradientAsAScanDoes() {
        float[] values = {-0f, 0f, 1f, 2f, -3f, Float.NaN};
        java.util.Random r = new java.util.Random(11);
        int planes = 3, h = 6, w = 7;
        for (int trial = 0; trial < 200; trial++) {
            float[] x = new float[planes * h * w];
            for (int i = 0; i < x.length; i++) x[i] = values[r.nextInt(trial % 2 == 0 ? 5 : 6)];
            float[] g = new float[planes * 3 * 3];
            for (int i = 0; i < g.length; i++) g[i] = i + 1;
            float[] expected = new float[x.length];
            for (int pl = 0, o = 0; pl < planes; pl++) {
                for (int oy = 0; oy < 3; oy++) {
                    for (int ox = 0; ox < 3; ox++, o++) {
                        int at = pl * h * w + oy * 2 * w + ox * 2, best = at;
                        scan:
                        for (int i = 0; i < 2; i++) {
                            for (int j = 0; j < 2; j++) {
                                int idx = at + i * w + j;
                                if (Float.isNaN(x[idx])) { best = idx; break scan; }
                                if (x[idx] > x[best]) best = idx;
                            }
                        }
                        expected[best] += g[o];
                    }
                }
            }
            float[] dx = new float[x.length];
            PoolKernels.maxPoolGrad(x, g, planes, h, w, 2, 2, dx);
            assertArrayEquals(expected, dx, "trial " + trial);
        }
    }

    /**
     * The vector path of 2x2 windows every 2 against the scalar scan, bit for bit, values and gradients: rows of
     * windows shorter than a vector, of two vectors and a part, odd sizes (a dropped row and column), enough planes
     * that the last rows take the scalar path; values from a small set with both zeros and NaNs of two payloads, and
     * gradients with -0 (which lands as +0, added into a cleared input gradient).
     */
    @Test
    void twoByTwoVectorsAreTheScanBitForBit() {
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        float nan2 = Float.intBitsToFloat(0x7fc00123);
        float[] values = {-0f, 0f, 1f, 2f, -3f, Float.NaN, nan2};
        int[][] shapes = {{3, 28, 28}, {5, 10, 10}, {2, 7, 4 * lanes + 13}, {4, 5, 3}, {1, 2, 2}, {9, 4, 2 * lanes}};
        java.util.Random r = new java.util.Random(12);
        for (int[] shape : shapes) {
            int planes = shape[0], h = shape[1], w = shape[2], ho = h / 2, wo = w / 2;
            for (int trial = 0; trial < 20; trial++) {
                float[] x = new float[planes * h * w];
                for (int i = 0; i < x.length; i++) x[i] = values[r.nextInt(trial % 2 == 0 ? 5 : 7)];
                float[] g = new float[planes * ho * wo];
                for (int i = 0; i < g.length; i++) g[i] = i % 7 == 0 ? -0f : i + 1;
                float[] wantOut = new float[g.length], wantDx = new float[x.length];
                for (int pl = 0, o = 0; pl < planes; pl++) {
                    for (int oy = 0; oy < ho; oy++) {
                        for (int ox = 0; ox < wo; ox++, o++) {
                            int best = scan(x, pl * h * w + 2 * oy * w + 2 * ox, w);
                            wantOut[o] = x[best];
                            wantDx[best] += g[o];
                        }
                    }
                }
                float[] out = new float[g.length], dx = new float[x.length];
                java.util.Arrays.fill(dx, -7f);
                PoolKernels.maxPool(x, planes, h, w, 2, 2, out);
                PoolKernels.maxPoolGrad(x, g, planes, h, w, 2, 2, dx);
                String where = java.util.Arrays.toString(shape) + " trial " + trial;
                assertBitsEqual(wantOut, out, where + " forward");
                assertBitsEqual(wantDx, dx, where + " gradient");
            }
        }
    }

    /** The first NaN of the 2x2 window at {@code at}, else its first largest element, in row-major order. */
    private static int scan(float[] x, int at, int w) {
        int best = at;
        for (int idx : new int[] {at, at + 1, at + w, at + w + 1}) {
            if (Float.isNaN(x[idx])) return idx;
            if (x[idx] > x[best]) best = idx;
        }
        return best;
    }

    private static void assertBitsEqual(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + ": element " + i);
        }
    }

    @Test
    void aNaNIsTheMaximumAndGetsTheGradient() {
        float[] x = {1, Float.NaN, 5, Float.NaN};
        float[] out = new float[1];
        PoolKernels.maxPool(x, 1, 2, 2, 2, 2, out);
        assertEquals(Float.NaN, out[0]);
        float[] dx = new float[4];
        PoolKernels.maxPoolGrad(x, new float[] {3}, 1, 2, 2, 2, 2, dx);
        assertArrayEquals(new float[] {0, 3, 0, 0}, dx);
    }

    @Test
    void planesArePooledSeparately() {
        float[] x = {1, 2, 3, 4, -1, -2, -3, -4};  // two 2x2 planes
        float[] out = new float[2];
        PoolKernels.maxPool(x, 2, 2, 2, 2, 2, out);
        assertArrayEquals(new float[] {4, -1}, out);
        PoolKernels.avgPool(x, 2, 2, 2, 2, 2, out);
        assertArrayEquals(new float[] {2.5f, -2.5f}, out);
    }
}
