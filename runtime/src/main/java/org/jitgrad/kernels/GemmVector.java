package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Products with a single row or column ({@code m == 1} or {@code n == 1}): a layer of width one, its
 * gradients, and one-row predictions. The tiled paths would spend a whole register tile (and, for a
 * transposed vector, a transpose) on one useful lane per k step; here every case reduces to one of two
 * loops over a matrix stored by rows:
 * <ul>
 *   <li>{@link #rowDots}: {@code out[i] = M[i,:]·v}, vectorized along the rows of M, reduced per row;
 *   <li>{@link #vectorTimesMatrix}: {@code out[j] = Σ_p v[p]·M[p,j]}, vectorized along the columns of M,
 *       four vectors of accumulators at a time.
 * </ul>
 * The caller has already dropped transposition flags of vectors (a stored {@code [k,1]} and {@code [1,k]}
 * are the same memory).
 */
final class GemmVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private GemmVector() {}

    static boolean accepts(int m, int n) {
        return m == 1 || n == 1;
    }

    static void run(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                    float[] c, int cOff, int m, int k, int n, boolean accumulate,
                    float[] bias, int biasOff, Epilogue act) {
        if (n == 1) {
            if (transA) {
                vectorTimesMatrix(b, bOff, a, aOff, c, cOff, k, m, accumulate);  // cᵀ = bᵀ·A, A stored [k,m]
            } else {
                rowDots(a, aOff, b, bOff, c, cOff, m, k, accumulate);            // c = A·b, A stored [m,k]
            }
        } else if (transB) {
            rowDots(b, bOff, a, aOff, c, cOff, n, k, accumulate);                // m == 1: cᵀ = B·aᵀ, B stored [n,k]
        } else {
            vectorTimesMatrix(a, aOff, b, bOff, c, cOff, k, n, accumulate);      // m == 1: c = a·B, B stored [k,n]
        }
        if (bias != null || act != null) {
            GemmBiasActivation.apply(c, cOff, n, 0, m, 0, n, bias, biasOff, act == null ? Epilogue.NONE : act);
        }
    }

    /** {@code out[i] (+)= Σ_p M[i,p]·v[p]} for {@code rows} rows of M stored {@code [rows,k]}. */
    static void rowDots(float[] mat, int mOff, float[] v, int vOff, float[] out, int oOff, int rows, int k,
                        boolean accumulate) {
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            dots4(mat, mOff + i * k, v, vOff, out, oOff + i, k, accumulate);
        }
        for (; i < rows; i++) {
            float sum = dot(mat, mOff + i * k, v, vOff, k);
            out[oOff + i] = accumulate ? out[oOff + i] + sum : sum;
        }
    }

    private static void dots4(float[] mat, int row0, float[] v, int vOff, float[] out, int o, int k,
                              boolean accumulate) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p + L <= k; p += L) {
            FloatVector x = FloatVector.fromArray(S, v, vOff + p);
            s0 = FloatVector.fromArray(S, mat, row0 + p).fma(x, s0);
            s1 = FloatVector.fromArray(S, mat, row0 + k + p).fma(x, s1);
            s2 = FloatVector.fromArray(S, mat, row0 + 2 * k + p).fma(x, s2);
            s3 = FloatVector.fromArray(S, mat, row0 + 3 * k + p).fma(x, s3);
        }
        if (p < k) {
            VectorMask<Float> mask = S.indexInRange(p, k);
            FloatVector x = FloatVector.fromArray(S, v, vOff + p, mask);
            s0 = FloatVector.fromArray(S, mat, row0 + p, mask).fma(x, s0);
            s1 = FloatVector.fromArray(S, mat, row0 + k + p, mask).fma(x, s1);
            s2 = FloatVector.fromArray(S, mat, row0 + 2 * k + p, mask).fma(x, s2);
            s3 = FloatVector.fromArray(S, mat, row0 + 3 * k + p, mask).fma(x, s3);
        }
        // LaneSum.inOrder written out: after some call histories (a test suite run in random order) C2 reached its
        // NodeCountInliningCutoff in this method before the sums, refused to inline the helper and boxed four vectors
        // per call from then on. The JDK's own vector methods are force-inlined past that cutoff; ours are not.
        float r0 = 0f, r1 = 0f, r2 = 0f, r3 = 0f;
        for (int l = 0; l < L; l++) {
            r0 += s0.lane(l);
            r1 += s1.lane(l);
            r2 += s2.lane(l);
            r3 += s3.lane(l);
        }
        if (accumulate) {
            r0 += out[o];
            r1 += out[o + 1];
            r2 += out[o + 2];
            r3 += out[o + 3];
        }
        out[o] = r0;
        out[o + 1] = r1;
        out[o + 2] = r2;
        out[o + 3] = r3;
    }

    private static float dot(float[] mat, int row, float[] v, int vOff, int k) {
        FloatVector s = FloatVector.zero(S);
        int p = 0;
        for (; p + L <= k; p += L) {
            s = FloatVector.fromArray(S, mat, row + p).fma(FloatVector.fromArray(S, v, vOff + p), s);
        }
        if (p < k) {
            VectorMask<Float> mask = S.indexInRange(p, k);
            s = FloatVector.fromArray(S, mat, row + p, mask).fma(FloatVector.fromArray(S, v, vOff + p, mask), s);
        }
        return LaneSum.inOrder(s);
    }

    /** {@code out[j] (+)= Σ_p v[p]·M[p,j]} for {@code cols} columns of M stored {@code [k,cols]}. */
    static void vectorTimesMatrix(float[] v, int vOff, float[] mat, int mOff, float[] out, int oOff, int k, int cols,
                                  boolean accumulate) {
        int j = 0;
        for (; j + 4 * L <= cols; j += 4 * L) {
            columns4(v, vOff, mat, mOff + j, cols, out, oOff + j, k, accumulate);
        }
        for (; j < cols; j += L) {
            columns1(v, vOff, mat, mOff, j, cols, out, oOff, k, accumulate);
        }
    }

    private static void columns4(float[] v, int vOff, float[] mat, int col0, int ld, float[] out, int o, int k,
                                 boolean accumulate) {
        FloatVector c0 = start(out, o, accumulate), c1 = start(out, o + L, accumulate);
        FloatVector c2 = start(out, o + 2 * L, accumulate), c3 = start(out, o + 3 * L, accumulate);
        int row = col0;
        for (int p = 0; p < k; p++, row += ld) {
            FloatVector x = FloatVector.broadcast(S, v[vOff + p]);
            c0 = x.fma(FloatVector.fromArray(S, mat, row), c0);
            c1 = x.fma(FloatVector.fromArray(S, mat, row + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, mat, row + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, mat, row + 3 * L), c3);
        }
        c0.intoArray(out, o);
        c1.intoArray(out, o + L);
        c2.intoArray(out, o + 2 * L);
        c3.intoArray(out, o + 3 * L);
    }

    private static void columns1(float[] v, int vOff, float[] mat, int mOff, int j, int ld, float[] out, int oOff, int k,
                                 boolean accumulate) {
        // The mask is made here, not passed in: a mask crossing a call that is not inlined is boxed.
        VectorMask<Float> mask = S.indexInRange(j, ld);
        int o = oOff + j;
        FloatVector acc = accumulate ? FloatVector.fromArray(S, out, o, mask) : FloatVector.zero(S);
        int row = mOff + j;
        for (int p = 0; p < k; p++, row += ld) {
            acc = FloatVector.broadcast(S, v[vOff + p]).fma(FloatVector.fromArray(S, mat, row, mask), acc);
        }
        acc.intoArray(out, o, mask);
    }

    private static FloatVector start(float[] out, int at, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(S, out, at) : FloatVector.zero(S);
    }
}
