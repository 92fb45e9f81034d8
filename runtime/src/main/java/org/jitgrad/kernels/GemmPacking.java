package org.jitgrad.kernels;

import java.util.Arrays;

/**
 * Copies blocks of A and B into the contiguous layouts the micro-kernel streams: an A sliver of {@code MR} rows as
 * {@code [p][row]}, a B panel as consecutive {@code NR}-column slivers each {@code [p][col]}. Rows and columns past
 * the matrix edge are zero-filled (to a multiple of {@code VL} columns for B) so the kernel never needs a mask.
 */
final class GemmPacking {
    private GemmPacking() {}

    private static final int MR = GemmMicroKernel.MR;
    private static final int NR = GemmMicroKernel.NR;
    private static final int VL = GemmMicroKernel.VL;

    /** Packs rows {@code [i0, i0+mr)} and depth {@code [p0, p0+kc)} of op(A) into {@code dst[dOff + p*MR + r]}. */
    static void packA(float[] a, int aOff, boolean transA, int m, int k, int i0, int mr, int p0, int kc,
                      float[] dst, int dOff) {
        if (!transA) {
            // A stored [m,k]: each row is contiguous along p.
            for (int r = 0; r < mr; r++) {
                int src = aOff + (i0 + r) * k + p0;
                for (int p = 0, d = dOff + r; p < kc; p++, d += MR) {
                    dst[d] = a[src + p];
                }
            }
        } else {
            // A stored [k,m]: for each p, the mr values are contiguous.
            for (int p = 0; p < kc; p++) {
                int src = aOff + (p0 + p) * m + i0;
                int d = dOff + p * MR;
                for (int r = 0; r < mr; r++) {
                    dst[d + r] = a[src + r];
                }
            }
        }
        if (mr < MR) {
            for (int p = 0; p < kc; p++) {
                Arrays.fill(dst, dOff + p * MR + mr, dOff + p * MR + MR, 0f);
            }
        }
    }

    /**
     * Packs depth {@code [p0, p0+kc)} and columns {@code [j0, j0+nc)} of op(B) into slivers of {@code NR} columns:
     * sliver {@code t} starts at {@code t*kc*NR}, element {@code (p, col)} at {@code + p*NR + col}. The last sliver is
     * zero-padded up to a multiple of {@code VL} columns.
     */
    static void packB(float[] b, int bOff, boolean transB, int k, int n, int p0, int kc, int j0, int nc, float[] dst) {
        for (int t = 0, jt = 0; jt < nc; t++, jt += NR) {
            int cols = Math.min(NR, nc - jt);
            int padded = Math.min(NR, (cols + VL - 1) / VL * VL);
            int base = t * kc * NR;
            if (!transB) {
                // B stored [k,n]: rows of the sliver are contiguous runs of the source rows.
                int src = bOff + p0 * n + j0 + jt;
                for (int p = 0, d = base; p < kc; p++, d += NR, src += n) {
                    System.arraycopy(b, src, dst, d, cols);
                    if (cols < padded) {
                        Arrays.fill(dst, d + cols, d + padded, 0f);
                    }
                }
            } else {
                // B stored [n,k]: a transpose; go VL destination columns (one cache line) at a time so the writes
                // stay in L1 while each source row is read sequentially.
                for (int c0 = 0; c0 < padded; c0 += VL) {
                    int cEnd = Math.min(cols, c0 + VL);
                    for (int col = c0; col < cEnd; col++) {
                        int src = bOff + (j0 + jt + col) * k + p0;
                        for (int p = 0, d = base + col; p < kc; p++, d += NR) {
                            dst[d] = b[src + p];
                        }
                    }
                    for (int col = cEnd; col < c0 + VL; col++) {
                        for (int p = 0, d = base + col; p < kc; p++, d += NR) {
                            dst[d] = 0f;
                        }
                    }
                }
            }
        }
    }
}
