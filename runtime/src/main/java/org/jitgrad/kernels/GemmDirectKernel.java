package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 6-row and 4-row micro-kernels of {@link GemmMicroKernel} reading a non-transposed A where it is stored (its
 * rows {@code lda} floats apart) instead of from a packed sliver: packing those rows is a scalar interleave that cost
 * 7 us of a 148 us 64x256 by 256x512 product, and the six rows of one sliver stay in L1 across the column slivers
 * either way. Same FMAs in the same order as the packed kernels, so the results are bit-identical. (A transposed A,
 * stored {@code [k,m]}: {@link GemmTransposedKernel}.) On the AVX-512 Xeon these ran at
 * 136-139 GFLOP/s where the packed kernels reach 149-153, yet packing every A made the GPT step slower (54.0-57.9 ms
 * against 52.6-55.4; GEMM_RESULTS.md, 2026-12-06). These are copies of the packed kernels with
 * other addressing, not one kernel with both strides as parameters: in a probe that general kernel took 154.04 us where
 * the packed one took 148.71 us, and the in-place one here 141.21 us (64x256 by 256x512, packing included where done).
 * Each tile is one method with the store or add form as a flag (the driver's choice, never the data's; GemmWarmup
 * compiles both forms): written as two methods, as the packed kernels are, the same loops ran 2.7-6% slower on the
 * Zen 5 host (GEMM_RESULTS.md, 2026-12-07 19:1x).
 */
final class GemmDirectKernel {
    private GemmDirectKernel() {}

    private static final VectorSpecies<Float> S = GemmMicroKernel.S;
    private static final int VL = GemmMicroKernel.VL;
    private static final int K_CHUNK = GemmMicroKernel.K_CHUNK;

    /**
     * C = A·Bpanel ({@code store}, C not read) or C += A·Bpanel on a 6 x 4*VL tile: rows of A from {@code aOff},
     * {@code lda} apart.
     */
    static void tile6x4(boolean store, float[] a, int aOff, int lda, float[] bp, int bOff, int ldb, int kc, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S); FloatVector c02 = FloatVector.zero(S); FloatVector c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S); FloatVector c12 = FloatVector.zero(S); FloatVector c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S); FloatVector c22 = FloatVector.zero(S); FloatVector c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S); FloatVector c32 = FloatVector.zero(S); FloatVector c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S); FloatVector c42 = FloatVector.zero(S); FloatVector c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S); FloatVector c52 = FloatVector.zero(S); FloatVector c53 = FloatVector.zero(S);
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        int bi = bOff;
        for (int p0 = 0; p0 < kc; p0 += K_CHUNK) {
        for (int p = p0, pe = Math.min(kc, p0 + K_CHUNK); p < pe; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * VL);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * VL);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01); c02 = x0.fma(b2, c02); c03 = x0.fma(b3, c03);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11); c12 = x1.fma(b2, c12); c13 = x1.fma(b3, c13);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21); c22 = x2.fma(b2, c22); c23 = x2.fma(b3, c23);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31); c32 = x3.fma(b2, c32); c33 = x3.fma(b3, c33);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41); c42 = x4.fma(b2, c42); c43 = x4.fma(b3, c43);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51); c52 = x5.fma(b2, c52); c53 = x5.fma(b3, c53);
            bi += ldb;
        }
        }
        if (!store) {
            int r0 = cOff;
            FloatVector.fromArray(S, c, r0).add(c00).intoArray(c, r0);
            FloatVector.fromArray(S, c, r0 + 1 * VL).add(c01).intoArray(c, r0 + 1 * VL);
            FloatVector.fromArray(S, c, r0 + 2 * VL).add(c02).intoArray(c, r0 + 2 * VL);
            FloatVector.fromArray(S, c, r0 + 3 * VL).add(c03).intoArray(c, r0 + 3 * VL);
            int r1 = cOff + 1 * ldc;
            FloatVector.fromArray(S, c, r1).add(c10).intoArray(c, r1);
            FloatVector.fromArray(S, c, r1 + 1 * VL).add(c11).intoArray(c, r1 + 1 * VL);
            FloatVector.fromArray(S, c, r1 + 2 * VL).add(c12).intoArray(c, r1 + 2 * VL);
            FloatVector.fromArray(S, c, r1 + 3 * VL).add(c13).intoArray(c, r1 + 3 * VL);
            int r2 = cOff + 2 * ldc;
            FloatVector.fromArray(S, c, r2).add(c20).intoArray(c, r2);
            FloatVector.fromArray(S, c, r2 + 1 * VL).add(c21).intoArray(c, r2 + 1 * VL);
            FloatVector.fromArray(S, c, r2 + 2 * VL).add(c22).intoArray(c, r2 + 2 * VL);
            FloatVector.fromArray(S, c, r2 + 3 * VL).add(c23).intoArray(c, r2 + 3 * VL);
            int r3 = cOff + 3 * ldc;
            FloatVector.fromArray(S, c, r3).add(c30).intoArray(c, r3);
            FloatVector.fromArray(S, c, r3 + 1 * VL).add(c31).intoArray(c, r3 + 1 * VL);
            FloatVector.fromArray(S, c, r3 + 2 * VL).add(c32).intoArray(c, r3 + 2 * VL);
            FloatVector.fromArray(S, c, r3 + 3 * VL).add(c33).intoArray(c, r3 + 3 * VL);
            int r4 = cOff + 4 * ldc;
            FloatVector.fromArray(S, c, r4).add(c40).intoArray(c, r4);
            FloatVector.fromArray(S, c, r4 + 1 * VL).add(c41).intoArray(c, r4 + 1 * VL);
            FloatVector.fromArray(S, c, r4 + 2 * VL).add(c42).intoArray(c, r4 + 2 * VL);
            FloatVector.fromArray(S, c, r4 + 3 * VL).add(c43).intoArray(c, r4 + 3 * VL);
            int r5 = cOff + 5 * ldc;
            FloatVector.fromArray(S, c, r5).add(c50).intoArray(c, r5);
            FloatVector.fromArray(S, c, r5 + 1 * VL).add(c51).intoArray(c, r5 + 1 * VL);
            FloatVector.fromArray(S, c, r5 + 2 * VL).add(c52).intoArray(c, r5 + 2 * VL);
            FloatVector.fromArray(S, c, r5 + 3 * VL).add(c53).intoArray(c, r5 + 3 * VL);
            return;
        }
        int r0 = cOff;
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + 1 * VL);
        c02.intoArray(c, r0 + 2 * VL);
        c03.intoArray(c, r0 + 3 * VL);
        int r1 = cOff + 1 * ldc;
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + 1 * VL);
        c12.intoArray(c, r1 + 2 * VL);
        c13.intoArray(c, r1 + 3 * VL);
        int r2 = cOff + 2 * ldc;
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + 1 * VL);
        c22.intoArray(c, r2 + 2 * VL);
        c23.intoArray(c, r2 + 3 * VL);
        int r3 = cOff + 3 * ldc;
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + 1 * VL);
        c32.intoArray(c, r3 + 2 * VL);
        c33.intoArray(c, r3 + 3 * VL);
        int r4 = cOff + 4 * ldc;
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + 1 * VL);
        c42.intoArray(c, r4 + 2 * VL);
        c43.intoArray(c, r4 + 3 * VL);
        int r5 = cOff + 5 * ldc;
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + 1 * VL);
        c52.intoArray(c, r5 + 2 * VL);
        c53.intoArray(c, r5 + 3 * VL);
    }

    /**
     * C = A·Bpanel ({@code store}, C not read) or C += A·Bpanel on a 6 x VL tile: rows of A from {@code aOff},
     * {@code lda} apart.
     */
    static void tile6x1(boolean store, float[] a, int aOff, int lda, float[] bp, int bOff, int ldb, int kc, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        int bi = bOff;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x5.fma(b0, c50);
            bi += ldb;
        }
        if (!store) {
            int r0 = cOff;
            FloatVector.fromArray(S, c, r0).add(c00).intoArray(c, r0);
            int r1 = cOff + 1 * ldc;
            FloatVector.fromArray(S, c, r1).add(c10).intoArray(c, r1);
            int r2 = cOff + 2 * ldc;
            FloatVector.fromArray(S, c, r2).add(c20).intoArray(c, r2);
            int r3 = cOff + 3 * ldc;
            FloatVector.fromArray(S, c, r3).add(c30).intoArray(c, r3);
            int r4 = cOff + 4 * ldc;
            FloatVector.fromArray(S, c, r4).add(c40).intoArray(c, r4);
            int r5 = cOff + 5 * ldc;
            FloatVector.fromArray(S, c, r5).add(c50).intoArray(c, r5);
            return;
        }
        int r0 = cOff;
        c00.intoArray(c, r0);
        int r1 = cOff + 1 * ldc;
        c10.intoArray(c, r1);
        int r2 = cOff + 2 * ldc;
        c20.intoArray(c, r2);
        int r3 = cOff + 3 * ldc;
        c30.intoArray(c, r3);
        int r4 = cOff + 4 * ldc;
        c40.intoArray(c, r4);
        int r5 = cOff + 5 * ldc;
        c50.intoArray(c, r5);
    }

    /**
     * C = A·Bpanel ({@code store}, C not read) or C += A·Bpanel on a 4 x 4*VL tile: rows of A from {@code aOff},
     * {@code lda} apart.
     */
    static void tile4x4(boolean store, float[] a, int aOff, int lda, float[] bp, int bOff, int ldb, int kc, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S); FloatVector c02 = FloatVector.zero(S); FloatVector c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S); FloatVector c12 = FloatVector.zero(S); FloatVector c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S); FloatVector c22 = FloatVector.zero(S); FloatVector c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S); FloatVector c32 = FloatVector.zero(S); FloatVector c33 = FloatVector.zero(S);
        int a0 = aOff, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        int bi = bOff;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * VL);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * VL);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01); c02 = x0.fma(b2, c02); c03 = x0.fma(b3, c03);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11); c12 = x1.fma(b2, c12); c13 = x1.fma(b3, c13);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21); c22 = x2.fma(b2, c22); c23 = x2.fma(b3, c23);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31); c32 = x3.fma(b2, c32); c33 = x3.fma(b3, c33);
            bi += ldb;
        }
        if (!store) {
            int r0 = cOff;
            FloatVector.fromArray(S, c, r0).add(c00).intoArray(c, r0);
            FloatVector.fromArray(S, c, r0 + 1 * VL).add(c01).intoArray(c, r0 + 1 * VL);
            FloatVector.fromArray(S, c, r0 + 2 * VL).add(c02).intoArray(c, r0 + 2 * VL);
            FloatVector.fromArray(S, c, r0 + 3 * VL).add(c03).intoArray(c, r0 + 3 * VL);
            int r1 = cOff + 1 * ldc;
            FloatVector.fromArray(S, c, r1).add(c10).intoArray(c, r1);
            FloatVector.fromArray(S, c, r1 + 1 * VL).add(c11).intoArray(c, r1 + 1 * VL);
            FloatVector.fromArray(S, c, r1 + 2 * VL).add(c12).intoArray(c, r1 + 2 * VL);
            FloatVector.fromArray(S, c, r1 + 3 * VL).add(c13).intoArray(c, r1 + 3 * VL);
            int r2 = cOff + 2 * ldc;
            FloatVector.fromArray(S, c, r2).add(c20).intoArray(c, r2);
            FloatVector.fromArray(S, c, r2 + 1 * VL).add(c21).intoArray(c, r2 + 1 * VL);
            FloatVector.fromArray(S, c, r2 + 2 * VL).add(c22).intoArray(c, r2 + 2 * VL);
            FloatVector.fromArray(S, c, r2 + 3 * VL).add(c23).intoArray(c, r2 + 3 * VL);
            int r3 = cOff + 3 * ldc;
            FloatVector.fromArray(S, c, r3).add(c30).intoArray(c, r3);
            FloatVector.fromArray(S, c, r3 + 1 * VL).add(c31).intoArray(c, r3 + 1 * VL);
            FloatVector.fromArray(S, c, r3 + 2 * VL).add(c32).intoArray(c, r3 + 2 * VL);
            FloatVector.fromArray(S, c, r3 + 3 * VL).add(c33).intoArray(c, r3 + 3 * VL);
            return;
        }
        int r0 = cOff;
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + 1 * VL);
        c02.intoArray(c, r0 + 2 * VL);
        c03.intoArray(c, r0 + 3 * VL);
        int r1 = cOff + 1 * ldc;
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + 1 * VL);
        c12.intoArray(c, r1 + 2 * VL);
        c13.intoArray(c, r1 + 3 * VL);
        int r2 = cOff + 2 * ldc;
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + 1 * VL);
        c22.intoArray(c, r2 + 2 * VL);
        c23.intoArray(c, r2 + 3 * VL);
        int r3 = cOff + 3 * ldc;
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + 1 * VL);
        c32.intoArray(c, r3 + 2 * VL);
        c33.intoArray(c, r3 + 3 * VL);
    }
}
