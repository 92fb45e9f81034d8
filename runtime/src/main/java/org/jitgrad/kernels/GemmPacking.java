package org.jitgrad.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of A and B into the contiguous layouts the micro-kernel streams: A as consecutive slivers of
 * {@code MR} rows, each {@code [p][row]}; a B panel as consecutive {@code NR}-column slivers, each {@code [p][col]}.
 * Rows and columns past the matrix edge are zero-filled (to a multiple of {@code VL} columns for B) so the kernel
 * never needs a mask. Every loop reads its source sequentially (a transposed B in 16x16 blocks), since the source is usually far bigger
 * than L2.
 */
final class GemmPacking {
    private GemmPacking() {}

    private static final int MR = GemmMicroKernel.MR;
    private static final int NR = GemmMicroKernel.NR;
    private static final int VL = GemmMicroKernel.VL;
    /** Eight lanes: the 6 values of one k step of a transposed A's sliver and 2 that the next copy overwrites. */
    private static final VectorSpecies<Float> EIGHT = FloatVector.SPECIES_256;
    /** Rows of a transposed A taken at a time: 16 rows of 512 floats are 32 KB, within L1. */
    private static final int PB = 16;

    /**
     * Packs rows {@code [i0, i1)} and depth {@code [p0, p0+kc)} of op(A): the sliver of rows {@code i0 + s*MR ...}
     * starts at {@code dstOff + s*MR*kc}, element {@code (p, r)} of a sliver at {@code + p*MR + r}.
     */
    static void packA(float[] a, int aOff, boolean transA, int m, int k, int i0, int i1, int p0, int kc, float[] dst,
                      int dstOff) {
        if (!transA) {
            // A stored [m,k]: each row is contiguous along p; six read streams, sequential writes.
            for (int ir = i0, d0 = dstOff; ir < i1; ir += MR, d0 += MR * kc) {
                int mr = Math.min(MR, i1 - ir);
                int s0 = aOff + ir * k + p0;
                if (mr == MR) {
                    int s1 = s0 + k, s2 = s1 + k, s3 = s2 + k, s4 = s3 + k, s5 = s4 + k;
                    for (int p = 0, d = d0; p < kc; p++, d += MR) {
                        dst[d] = a[s0 + p];
                        dst[d + 1] = a[s1 + p];
                        dst[d + 2] = a[s2 + p];
                        dst[d + 3] = a[s3 + p];
                        dst[d + 4] = a[s4 + p];
                        dst[d + 5] = a[s5 + p];
                    }
                } else {
                    for (int p = 0, d = d0; p < kc; p++, d += MR) {
                        for (int r = 0; r < MR; r++) {
                            dst[d + r] = r < mr ? a[s0 + r * k + p] : 0f;
                        }
                    }
                }
            }
        } else {
            // A stored [k,m]: the 6 values of each k step of a sliver are consecutive in row p of the storage. They
            // are copied as one 8-float vector whose last 2 lanes land in the next step's slot, rewritten by the next
            // copy; the sliver's last step is copied alone, so nothing is written past it. The read stays inside A:
            // the 2 extra floats are in the row of the next step at worst. The rows are taken PB at a time, every
            // sliver's steps from them before the next PB rows: with rows a power-of-two stride apart, one sliver's
            // whole depth maps onto a few L1 sets, and the next sliver found those lines evicted.
            int fullEnd = i0 + (i1 - i0) / MR * MR;
            for (int pb = 0; pb < kc; pb += PB) {
                int pEnd = Math.min(kc, pb + PB);
                int lastCopied = pEnd == kc ? kc - 1 : pEnd;
                for (int ir = i0, d0 = dstOff; ir < fullEnd; ir += MR, d0 += MR * kc) {
                    int src = aOff + (p0 + pb) * m + ir;
                    int d = d0 + pb * MR;
                    for (int p = pb; p < lastCopied; p++, src += m, d += MR) {
                        FloatVector.fromArray(EIGHT, a, src).intoArray(dst, d);
                    }
                    if (lastCopied < pEnd) System.arraycopy(a, src, dst, d, MR);
                }
            }
            int d0 = dstOff + (fullEnd - i0) * kc;   // after the full slivers
            if (fullEnd < i1) {
                int mr = i1 - fullEnd;
                for (int p = 0, d = d0; p < kc; p++, d += MR) {
                    int src = aOff + (p0 + p) * m + fullEnd;
                    for (int r = 0; r < MR; r++) {
                        dst[d + r] = r < mr ? a[src + r] : 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs depth {@code [p0, p0+kc)} and columns {@code [j0, j0+nc)} of op(B) into slivers of {@code NR} columns:
     * sliver {@code t} starts at {@code dstOff + t*kc*NR}, element {@code (p, col)} at {@code + p*NR + col}. The last
     * sliver is zero-padded up to a multiple of {@code VL} columns.
     */
    static void packB(float[] b, int bOff, boolean transB, int k, int n, int p0, int kc, int j0, int nc, float[] dst,
                      int dstOff) {
        int fullSlivers = nc / NR;
        int tailCols = nc - fullSlivers * NR;
        int tailPadded = (tailCols + VL - 1) / VL * VL;
        if (!transB) {
            // B stored [k,n]: read each source row once, front to back, scattering it over the slivers.
            for (int p = 0; p < kc; p++) {
                int src = bOff + (p0 + p) * n + j0;
                int d = dstOff + p * NR;
                for (int t = 0; t < fullSlivers; t++, src += NR, d += kc * NR) {
                    // NR/VL vector moves: System.arraycopy's call costs as much as copying 64 floats
                    for (int v = 0; v < NR; v += VL) {
                        FloatVector.fromArray(GemmMicroKernel.S, b, src + v).intoArray(dst, d + v);
                    }
                }
                if (tailCols > 0) {
                    System.arraycopy(b, src, dst, d, tailCols);
                    Arrays.fill(dst, d + tailCols, d + tailPadded, 0f);
                }
            }
        } else {
            // B stored [n,k]: a transpose, in 16x16 register blocks where the sizes allow (TransposeKernel).
            for (int jt = 0, t = 0; jt < nc; jt += NR, t++) {
                int cols = Math.min(NR, nc - jt);
                int padded = Math.min(NR, (cols + VL - 1) / VL * VL);
                int base = dstOff + t * kc * NR;
                TransposeKernel.transpose(b, bOff + (j0 + jt) * k + p0, k, cols, kc, dst, base, NR);
                if (padded > cols) {
                    for (int p = 0, d = base; p < kc; p++, d += NR) Arrays.fill(dst, d + cols, d + padded, 0f);
                }
            }
        }
    }
}
