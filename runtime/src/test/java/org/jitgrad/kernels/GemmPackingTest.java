package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The packed layout of A, element by element, and nothing written or read outside it. */
class GemmPackingTest {
    private static final int MR = GemmMicroKernel.MR;
    private static final float SENTINEL = -12345f;

    /**
     * A transposed A ({@code [k,m]}) stored with nothing after it, packed for every row count from 1 to 20 (whole
     * slivers, a partial one, both), several depths and a depth block that starts past row 0: the 8-float copies
     * must neither read past A nor leave their 2 extra lanes in the packed block or after it.
     */
    @Test
    void transposedAPacksEveryRowCountAndDepthExactly() {
        for (int m = 1; m <= 20; m++) {
            for (int[] depth : new int[][] {{1, 0, 1}, {2, 0, 2}, {3, 0, 3}, {40, 0, 40}, {40, 13, 17}, {40, 39, 1}}) {
                int k = depth[0], p0 = depth[1], kc = depth[2];
                for (int[] rows : new int[][] {{0, m}, {0, m / MR * MR}, {m / MR * MR, m}}) {
                    int i0 = rows[0], i1 = rows[1];
                    if (i0 >= i1) {
                        continue;
                    }
                    int aOff = 2;
                    float[] a = new float[aOff + k * m];   // exactly A: a read past it throws
                    for (int i = 0; i < a.length; i++) {
                        a[i] = i + 0.5f;
                    }
                    int slivers = (i1 - i0 + MR - 1) / MR;
                    int dstOff = 3;
                    float[] dst = new float[dstOff + slivers * MR * kc + 8];
                    Arrays.fill(dst, SENTINEL);
                    GemmPacking.packA(a, aOff, true, m, k, i0, i1, p0, kc, dst, dstOff);
                    String at = "m=" + m + " k=" + k + " p0=" + p0 + " kc=" + kc + " rows " + i0 + ".." + i1;
                    for (int s = 0; s < slivers; s++) {
                        for (int p = 0; p < kc; p++) {
                            for (int r = 0; r < MR; r++) {
                                int row = i0 + s * MR + r;
                                float expected = row < i1 ? a[aOff + (p0 + p) * m + row] : 0f;
                                assertEquals(expected, dst[dstOff + s * MR * kc + p * MR + r],
                                        at + ": sliver " + s + " step " + p + " row " + r);
                            }
                        }
                    }
                    for (int i = 0; i < dstOff; i++) {
                        assertEquals(SENTINEL, dst[i], at + ": written before the block");
                    }
                    for (int i = dstOff + slivers * MR * kc; i < dst.length; i++) {
                        assertEquals(SENTINEL, dst[i], at + ": written after the block");
                    }
                }
            }
        }
    }
}
