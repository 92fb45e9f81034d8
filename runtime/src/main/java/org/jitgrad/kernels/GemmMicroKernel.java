package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels: 6 rows of packed A times 4 (or 1) vectors of packed B, all accumulators held in
 * vector registers (24 of the 32 zmm registers for the 6x4 kernel), one FMA per accumulator and k step. The rows of
 * one k step are consecutive floats in a packed sliver, the next step {@code MR} further. The A index is written
 * as a constant multiple of the loop counter so that C2 can remove its bounds checks from the loop: with the step a
 * parameter ({@code ai += aStep}) they stayed, and the 6x4 kernel ran at 104-113 GFLOP/s against 141-153 (AVX-512
 * Xeon, its data in L1 or L2; benchmarks/GEMM_RESULTS.md, 2026-12-06).
 *
 * <p>Each kernel is branch-free in the data: whether it stores into C or adds into it is a flag the driver sets (the
 * store form for the first depth block of an overwriting product), and {@link GemmWarmup} calls both forms so that
 * C2's profile has both and no deoptimization leaves a version that boxes the accumulators. One method per tile
 * with the flag ran the in-place kernels 2.7-8% faster than a store and an add method; these packed ones measured the
 * same either way (wide's weight gradient, 1024x256 by 256x1024 with A transposed: -1.06% and +0.14%), and follow
 * the in-place ones (GEMM_RESULTS.md, 2026-12-07).
 */
final class GemmMicroKernel {
    private GemmMicroKernel() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes of one vector (16 with AVX-512). */
    static final int VL = S.length();
    /** Rows of the register tile. */
    static final int MR = 6;
    /** Vectors per row of the main register tile. */
    static final int NV = 4;
    /** Columns of the main register tile. */
    static final int NR = NV * VL;
    /**
     * The packed and the in-place ({@link GemmDirectKernel}) 6x4 tiles run their k loop in chunks of this many steps,
     * an outer loop around the inner one (the transposed 6x4 tile and the narrower tiles compiled without spills
     * either way in the same disassembly, so they keep a single loop). Without that
     * nest C2 allocated their 24 accumulators, 4 B vectors and a dozen indices into registers well only when it
     * strip-mines counted loops itself, which it does with counted-loop safepoints on (G1, ZGC, Shenandoah): under
     * Serial and Parallel GC, and so in any JVM that sees one processor, it kept a B vector and the B index on the
     * stack or in a vector register every k step (seen in the disassembly), and 1024³ on one thread took 13.5 ms in
     * one-processor JMH forks against 11.3 with the nest; with G1 the nest measured neutral (benchmarks/GEMM_RESULTS.md,
     * 2026-12-07 21:4x). A depth block ({@code kc <= 256}) is one or two chunks; the FMAs keep their order.
     */
    static final int K_CHUNK = 128;

    /**
     * C = Apanel·Bpanel ({@code store}, C not read) or C += Apanel·Bpanel on a 6 x 4*VL tile over {@code kc} steps: A
     * sliver from {@code aOff} (step {@code p} at {@code aOff + p*MR}, its rows consecutive), B sliver from {@code bOff}
     * ({@code [p][col]}, row stride {@code ldb}).
     */
    static void tile6x4(boolean store, float[] ap, int aOff, float[] bp, int bOff, int ldb, int kc, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S); FloatVector c02 = FloatVector.zero(S); FloatVector c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S); FloatVector c12 = FloatVector.zero(S); FloatVector c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S); FloatVector c22 = FloatVector.zero(S); FloatVector c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S); FloatVector c32 = FloatVector.zero(S); FloatVector c33 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S); FloatVector c42 = FloatVector.zero(S); FloatVector c43 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S); FloatVector c52 = FloatVector.zero(S); FloatVector c53 = FloatVector.zero(S);
        int bi = bOff;
        for (int p0 = 0; p0 < kc; p0 += K_CHUNK) {
        for (int p = p0, pe = Math.min(kc, p0 + K_CHUNK); p < pe; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * VL);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * VL);
            FloatVector a0 = FloatVector.broadcast(S, ap[aOff + MR * p + 0]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, ap[aOff + MR * p + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, ap[aOff + MR * p + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, ap[aOff + MR * p + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, ap[aOff + MR * p + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42); c43 = a4.fma(b3, c43);
            FloatVector a5 = FloatVector.broadcast(S, ap[aOff + MR * p + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52); c53 = a5.fma(b3, c53);
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
     * C = Apanel·Bpanel ({@code store}, C not read) or C += Apanel·Bpanel on a 6 x VL tile over {@code kc} steps: A
     * sliver from {@code aOff} (step {@code p} at {@code aOff + p*MR}, its rows consecutive), B sliver from {@code bOff}
     * ({@code [p][col]}, row stride {@code ldb}).
     */
    static void tile6x1(boolean store, float[] ap, int aOff, float[] bp, int bOff, int ldb, int kc, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        int bi = bOff;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector a0 = FloatVector.broadcast(S, ap[aOff + MR * p + 0]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, ap[aOff + MR * p + 1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, ap[aOff + MR * p + 2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, ap[aOff + MR * p + 3]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, ap[aOff + MR * p + 4]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, ap[aOff + MR * p + 5]);
            c50 = a5.fma(b0, c50);
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
     * C = Apanel·Bpanel ({@code store}, C not read) or C += Apanel·Bpanel on a 4 x 4*VL tile over {@code kc} steps: A
     * sliver from {@code aOff} (step {@code p} at {@code aOff + p*MR}, its rows consecutive), B sliver from {@code bOff}
     * ({@code [p][col]}, row stride {@code ldb}).
     */
    static void tile4x4(boolean store, float[] ap, int aOff, float[] bp, int bOff, int ldb, int kc, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S); FloatVector c02 = FloatVector.zero(S); FloatVector c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S); FloatVector c12 = FloatVector.zero(S); FloatVector c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S); FloatVector c22 = FloatVector.zero(S); FloatVector c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S); FloatVector c32 = FloatVector.zero(S); FloatVector c33 = FloatVector.zero(S);
        int bi = bOff;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * VL);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * VL);
            FloatVector a0 = FloatVector.broadcast(S, ap[aOff + MR * p + 0]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, ap[aOff + MR * p + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, ap[aOff + MR * p + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, ap[aOff + MR * p + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            bi += ldb;
        }
        if (!store) {
            int r0 = cOff + 0 * ldc;
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
        int r0 = cOff + 0 * ldc;
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
