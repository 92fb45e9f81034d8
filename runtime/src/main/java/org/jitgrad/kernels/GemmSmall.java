package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The direct path for small products (a few tens of thousands of multiply-adds, such as a 16x32 batch
 * through a 32x64 layer), where packing panels would cost more than the product: rows of B are read
 * in place, 4 rows of C by 4 (or 2, or 1 masked) vectors are kept in registers, and each k step is one
 * broadcast of an A element and one FMA per accumulator. A transposed B is first copied into a per-thread scratch
 * (it is small by definition). Sums run over k in order, one FMA at a time, like the packed kernel's
 * single depth block; the epilogue then runs over the block as in the packed path.
 */
final class GemmSmall {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Products up to this many multiply-adds, with k up to {@link #MAX_K}, take this path. */
    static final long MAX_WORK = 1L << 17;
    static final int MAX_K = 256;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread room for a transposed B. */
    private static final class Scratch {
        float[] transposed = new float[0];

        /** {@code B[n,k]} (rows {@code ldb} apart) into {@code Bᵀ[k,n]}. */
        float[] transpose(float[] b, int bOff, int ldb, int n, int k) {
            if (transposed.length < k * n) transposed = new float[Math.max(k * n, 2 * transposed.length)];
            TransposeKernel.transpose(b, bOff, ldb, n, k, transposed, 0, n);
            return transposed;
        }
    }

    private GemmSmall() {}

    static boolean accepts(int m, int k, int n) {
        return k <= MAX_K && (long) m * n * k <= MAX_WORK;
    }

    static void run(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                    float[] c, int cOff, int m, int k, int n, boolean accumulate,
                    float[] bias, int biasOff, Epilogue act) {
        if (transB) {
            b = SCRATCH.get().transpose(b, bOff, k, n, k);
            bOff = 0;
        }
        // element p of row i of op(A) is a[aOff + i*rowStride + p*colStride]
        tiles(a, aOff, transA ? 1 : k, transA ? m : 1, b, bOff, n, c, cOff, n, m, k, n, accumulate);
        if (bias != null || act != null) {
            GemmBiasActivation.apply(c, cOff, n, 0, m, 0, n, bias, biasOff, act == null ? Epilogue.NONE : act);
        }
    }

    /**
     * {@code C = op(A)·op(B)} on strided matrices (see {@link GemmStrided}): A's stored rows {@code lda} apart, B's
     * {@code ldb} apart, C's rows {@code ldc} apart. The same FMAs in the same order as {@link #run}, so a product gives
     * the same bits whichever strides its operands have. With a {@link Triangular} structure each group of 4 rows
     * skips the terms known to be zero (or the columns not needed, written as zeros); the others run as without it.
     */
    static void runStrided(float[] a, int aOff, int lda, boolean transA, float[] b, int bOff, int ldb, boolean transB,
                           float[] c, int cOff, int ldc, int m, int k, int n, Triangular structure) {
        if (transB) {
            b = SCRATCH.get().transpose(b, bOff, ldb, n, k);
            bOff = 0;
            ldb = n;
        }
        int rowStride = transA ? 1 : lda, colStride = transA ? lda : 1;
        if (structure == Triangular.NONE) {
            tiles(a, aOff, rowStride, colStride, b, bOff, ldb, c, cOff, ldc, m, k, n, false);
            return;
        }
        for (int i = 0; i < m; i += 4) {
            int rows = Math.min(4, m - i), last = i + rows - 1;
            // the depth range that can hold non-zero terms, and the columns needed, for rows i..last
            int p0 = structure == Triangular.UPPER_A ? Math.min(i, k) : 0;
            int p1 = structure == Triangular.LOWER_A ? Math.min(k, last + 1) : k;
            // whole pairs of vectors: a 4-row tile of one vector is latency-bound and slower per term than one of two
            int cols = structure == Triangular.LOWER_RESULT ? Math.min(n, (last + 2 * L) / (2 * L) * (2 * L)) : n;
            tiles(a, aOff + i * rowStride + p0 * colStride, rowStride, colStride, b, bOff + p0 * ldb, ldb,
                    c, cOff + i * ldc, ldc, rows, p1 - p0, cols, false);
            for (int r = 0; r < rows && cols < n; r++) {
                java.util.Arrays.fill(c, cOff + (i + r) * ldc + cols, cOff + (i + r) * ldc + n, 0f);
            }
        }
    }

    private static void tiles(float[] a, int aOff, int rowStride, int colStride, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, int m, int k, int n, boolean accumulate) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                rows4x4(a, aOff + i * rowStride, rowStride, colStride, b, bOff, ldb, c, cOff + i * ldc + j, ldc, j, k,
                        accumulate);
            }
            for (; j + 2 * L <= n; j += 2 * L) {
                rows4x2(a, aOff + i * rowStride, rowStride, colStride, b, bOff, ldb, c, cOff + i * ldc + j, ldc, j, k,
                        accumulate);
            }
            for (; j < n; j += L) {
                rows4x1(a, aOff + i * rowStride, rowStride, colStride, b, bOff, ldb, c, cOff + i * ldc + j, ldc, j, n,
                        k, accumulate);
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j += L) {
                row1x1(a, aOff + i * rowStride, colStride, b, bOff, ldb, c, cOff + i * ldc + j, j, n, k, accumulate);
            }
        }
    }

    // The accumulators start from C (accumulate) or zero, so the tile ends with plain stores: small
    // enough for C1 to compile, which keeps cold calls from running interpreted with boxed vectors.
    private static void rows4x2(float[] a, int a0, int rs, int cs, float[] b, int bOff, int ldb, float[] c, int c0,
                                int ldc, int j, int k, boolean accumulate) {
        FloatVector c00 = start(c, c0, accumulate), c01 = start(c, c0 + L, accumulate);
        FloatVector c10 = start(c, c0 + ldc, accumulate), c11 = start(c, c0 + ldc + L, accumulate);
        FloatVector c20 = start(c, c0 + 2 * ldc, accumulate), c21 = start(c, c0 + 2 * ldc + L, accumulate);
        FloatVector c30 = start(c, c0 + 3 * ldc, accumulate), c31 = start(c, c0 + 3 * ldc + L, accumulate);
        int bRow = bOff + j;
        for (int p = 0; p < k; p++, bRow += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bRow);
            FloatVector b1 = FloatVector.fromArray(S, b, bRow + L);
            int ap = a0 + p * cs;
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ap + rs]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ap + 2 * rs]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ap + 3 * rs]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + ldc);
        c11.intoArray(c, c0 + ldc + L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
    }

    // 16 accumulators: per k step 4 loads of B and 4 broadcasts of A feed 16 FMAs (the 4x2 tile needs 6 for 8), which
    // pays when B comes from L2, as the weights of a deep stack of small layers do
    private static void rows4x4(float[] a, int a0, int rs, int cs, float[] b, int bOff, int ldb, float[] c, int c0,
                                int ldc, int j, int k, boolean accumulate) {
        FloatVector c00 = start(c, c0, accumulate), c01 = start(c, c0 + L, accumulate);
        FloatVector c02 = start(c, c0 + 2 * L, accumulate), c03 = start(c, c0 + 3 * L, accumulate);
        FloatVector c10 = start(c, c0 + ldc, accumulate), c11 = start(c, c0 + ldc + L, accumulate);
        FloatVector c12 = start(c, c0 + ldc + 2 * L, accumulate), c13 = start(c, c0 + ldc + 3 * L, accumulate);
        FloatVector c20 = start(c, c0 + 2 * ldc, accumulate), c21 = start(c, c0 + 2 * ldc + L, accumulate);
        FloatVector c22 = start(c, c0 + 2 * ldc + 2 * L, accumulate), c23 = start(c, c0 + 2 * ldc + 3 * L, accumulate);
        FloatVector c30 = start(c, c0 + 3 * ldc, accumulate), c31 = start(c, c0 + 3 * ldc + L, accumulate);
        FloatVector c32 = start(c, c0 + 3 * ldc + 2 * L, accumulate), c33 = start(c, c0 + 3 * ldc + 3 * L, accumulate);
        int bRow = bOff + j;
        for (int p = 0; p < k; p++, bRow += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bRow);
            FloatVector b1 = FloatVector.fromArray(S, b, bRow + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bRow + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bRow + 3 * L);
            int ap = a0 + p * cs;
            FloatVector x = FloatVector.broadcast(S, a[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[ap + rs]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[ap + 2 * rs]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[ap + 3 * rs]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
        }
        c00.intoArray(c, c0); c01.intoArray(c, c0 + L); c02.intoArray(c, c0 + 2 * L); c03.intoArray(c, c0 + 3 * L);
        int r1 = c0 + ldc, r2 = c0 + 2 * ldc, r3 = c0 + 3 * ldc;
        c10.intoArray(c, r1); c11.intoArray(c, r1 + L); c12.intoArray(c, r1 + 2 * L); c13.intoArray(c, r1 + 3 * L);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + L); c22.intoArray(c, r2 + 2 * L); c23.intoArray(c, r2 + 3 * L);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + L); c32.intoArray(c, r3 + 2 * L); c33.intoArray(c, r3 + 3 * L);
    }

    private static FloatVector start(float[] c, int at, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(S, c, at) : FloatVector.zero(S);
    }

    private static FloatVector start(float[] c, int at, boolean accumulate, VectorMask<Float> mask) {
        return accumulate ? FloatVector.fromArray(S, c, at, mask) : FloatVector.zero(S);
    }

    private static void rows4x1(float[] a, int a0, int rs, int cs, float[] b, int bOff, int ldb, float[] c, int c0,
                                int ldc, int j, int n, int k, boolean accumulate) {
        // The mask is made here, not passed in: a mask crossing a call that is not inlined is boxed.
        VectorMask<Float> mask = S.indexInRange(j, n);
        FloatVector c0v = start(c, c0, accumulate, mask), c1v = start(c, c0 + ldc, accumulate, mask);
        FloatVector c2v = start(c, c0 + 2 * ldc, accumulate, mask), c3v = start(c, c0 + 3 * ldc, accumulate, mask);
        int bRow = bOff + j;
        for (int p = 0; p < k; p++, bRow += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bRow, mask);
            int ap = a0 + p * cs;
            c0v = FloatVector.broadcast(S, a[ap]).fma(b0, c0v);
            c1v = FloatVector.broadcast(S, a[ap + rs]).fma(b0, c1v);
            c2v = FloatVector.broadcast(S, a[ap + 2 * rs]).fma(b0, c2v);
            c3v = FloatVector.broadcast(S, a[ap + 3 * rs]).fma(b0, c3v);
        }
        c0v.intoArray(c, c0, mask);
        c1v.intoArray(c, c0 + ldc, mask);
        c2v.intoArray(c, c0 + 2 * ldc, mask);
        c3v.intoArray(c, c0 + 3 * ldc, mask);
    }

    private static void row1x1(float[] a, int a0, int cs, float[] b, int bOff, int ldb, float[] c, int c0, int j,
                               int n, int k, boolean accumulate) {
        VectorMask<Float> mask = S.indexInRange(j, n);
        FloatVector acc = start(c, c0, accumulate, mask);
        int bRow = bOff + j;
        for (int p = 0; p < k; p++, bRow += ldb) {
            acc = FloatVector.broadcast(S, a[a0 + p * cs]).fma(FloatVector.fromArray(S, b, bRow, mask), acc);
        }
        acc.intoArray(c, c0, mask);
    }
}
