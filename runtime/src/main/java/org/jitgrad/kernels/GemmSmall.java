package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The direct path for small products (a few tens of thousands of multiply-adds, such as a 16x32 batch
 * through a 32x64 layer), where packing panels would cost more than the product: rows of B are read
 * in place, 4 rows of C by 2 vectors are kept in registers, and each k step is one broadcast of an A
 * element and one FMA per accumulator. A transposed B is first copied into a per-thread scratch
 * (it is small by definition), column by column with vector gathers. Sums run over k in order, one FMA at a time, like the packed kernel's
 * single depth block; the epilogue then runs over the block as in the packed path.
 */
final class GemmSmall {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Products up to this many multiply-adds, with k up to {@link #MAX_K}, take this path. */
    static final long MAX_WORK = 1L << 17;
    static final int MAX_K = 256;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread room for a transposed B and the gather indices of one column of it. */
    private static final class Scratch {
        float[] transposed = new float[0];
        final int[] columnIndex = new int[L];
        int columnStride = -1;

        float[] transpose(float[] b, int bOff, int n, int k) {
            if (transposed.length < k * n) transposed = new float[Math.max(k * n, 2 * transposed.length)];
            if (columnStride != k) {
                for (int l = 0; l < L; l++) columnIndex[l] = l * k;
                columnStride = k;
            }
            float[] bt = transposed;
            int full = n - n % L;
            for (int p = 0; p < k; p++) {
                int row = p * n;
                int j = 0;
                for (; j < full; j += L) {
                    FloatVector.fromArray(S, b, bOff + j * k + p, columnIndex, 0).intoArray(bt, row + j);
                }
                for (; j < n; j++) bt[row + j] = b[bOff + j * k + p];
            }
            return bt;
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
            b = SCRATCH.get().transpose(b, bOff, n, k);
            bOff = 0;
        }
        // element p of row i of op(A) is a[aOff + i*rowStride + p*colStride]
        tiles(a, aOff, transA, b, bOff, c, cOff, m, k, n, accumulate);
        if (bias != null || act != null) {
            GemmBiasActivation.apply(c, cOff, n, 0, m, 0, n, bias, biasOff, act == null ? Epilogue.NONE : act);
        }
    }

    private static void tiles(float[] a, int aOff, boolean transA, float[] b, int bOff,
                              float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        int rowStride = transA ? 1 : k;
        int colStride = transA ? m : 1;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                rows4x2(a, aOff + i * rowStride, rowStride, colStride, b, bOff, n, c, cOff + i * n + j, j, k,
                        accumulate);
            }
            for (; j < n; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                rows4x1(a, aOff + i * rowStride, rowStride, colStride, b, bOff, n, c, cOff + i * n + j, j, k,
                        accumulate, mask);
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                row1x1(a, aOff + i * rowStride, colStride, b, bOff, n, c, cOff + i * n + j, j, k,
                        accumulate, mask);
            }
        }
    }

    private static void rows4x2(float[] a, int a0, int rs, int cs, float[] b, int bOff, int n, float[] c, int c0, int j,
                                int k, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int bRow = bOff + j;
        for (int p = 0; p < k; p++, bRow += n) {
            FloatVector b0 = FloatVector.fromArray(S, b, bRow);
            FloatVector b1 = FloatVector.fromArray(S, b, bRow + L);
            int ap = a0 + p * cs;
            FloatVector x0 = FloatVector.broadcast(S, a[ap]);
            FloatVector x1 = FloatVector.broadcast(S, a[ap + rs]);
            FloatVector x2 = FloatVector.broadcast(S, a[ap + 2 * rs]);
            FloatVector x3 = FloatVector.broadcast(S, a[ap + 3 * rs]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
        }
        VectorMask<Float> all = S.maskAll(true);
        store(c00, c, c0, j, accumulate, all);
        store(c01, c, c0 + L, j + L, accumulate, all);
        store(c10, c, c0 + n, j, accumulate, all);
        store(c11, c, c0 + n + L, j + L, accumulate, all);
        store(c20, c, c0 + 2 * n, j, accumulate, all);
        store(c21, c, c0 + 2 * n + L, j + L, accumulate, all);
        store(c30, c, c0 + 3 * n, j, accumulate, all);
        store(c31, c, c0 + 3 * n + L, j + L, accumulate, all);
    }

    private static void rows4x1(float[] a, int a0, int rs, int cs, float[] b, int bOff, int n, float[] c, int c0, int j,
                                int k, boolean accumulate, VectorMask<Float> mask) {
        FloatVector c0v = FloatVector.zero(S), c1v = c0v, c2v = c0v, c3v = c0v;
        int bRow = bOff + j;
        for (int p = 0; p < k; p++, bRow += n) {
            FloatVector b0 = FloatVector.fromArray(S, b, bRow, mask);
            int ap = a0 + p * cs;
            c0v = FloatVector.broadcast(S, a[ap]).fma(b0, c0v);
            c1v = FloatVector.broadcast(S, a[ap + rs]).fma(b0, c1v);
            c2v = FloatVector.broadcast(S, a[ap + 2 * rs]).fma(b0, c2v);
            c3v = FloatVector.broadcast(S, a[ap + 3 * rs]).fma(b0, c3v);
        }
        store(c0v, c, c0, j, accumulate, mask);
        store(c1v, c, c0 + n, j, accumulate, mask);
        store(c2v, c, c0 + 2 * n, j, accumulate, mask);
        store(c3v, c, c0 + 3 * n, j, accumulate, mask);
    }

    private static void row1x1(float[] a, int a0, int cs, float[] b, int bOff, int n, float[] c, int c0, int j,
                               int k, boolean accumulate, VectorMask<Float> mask) {
        FloatVector acc = FloatVector.zero(S);
        int bRow = bOff + j;
        for (int p = 0; p < k; p++, bRow += n) {
            acc = FloatVector.broadcast(S, a[a0 + p * cs]).fma(FloatVector.fromArray(S, b, bRow, mask), acc);
        }
        store(acc, c, c0, j, accumulate, mask);
    }

    /** Writes (or adds) one vector of C. */
    private static void store(FloatVector v, float[] c, int at, int col, boolean accumulate, VectorMask<Float> mask) {
        if (accumulate) v = FloatVector.fromArray(S, c, at, mask).add(v);
        v.intoArray(c, at, mask);
    }
}
