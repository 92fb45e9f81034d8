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
