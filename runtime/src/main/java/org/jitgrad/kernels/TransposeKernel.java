package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 2-D transpose. With 16-float vectors (AVX-512) every full 16x16 block is transposed in
 * registers: 16 row loads, four rounds of 16 two-source lane permutes (round {@code d} swaps bit
 * {@code d} of the row index with bit {@code d} of the column index: 8, 4, 2, 1), 16 row stores.
 * That is about a quarter of an instruction per element instead of a scalar load and store, and
 * every access is a whole 64-byte line. Edges, and machines with other vector sizes, take the
 * scalar loop.
 */
public final class TransposeKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** The block side: one vector of floats, when that is 16 (the in-register path is written for 16). */
    static final int B = 16;
    private static final boolean VECTOR = S.length() == B;
    private static final int TILE = 32;

    private static final FloatVector LO8 = indexes(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    private static final FloatVector HI8 = indexes(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    private static final FloatVector LO4 = indexes(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
    private static final FloatVector HI4 = indexes(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
    private static final FloatVector LO2 = indexes(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
    private static final FloatVector HI2 = indexes(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
    private static final FloatVector LO1 = indexes(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
    private static final FloatVector HI1 = indexes(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);

    private TransposeKernel() {}

    private static FloatVector indexes(int... lanes) {
        if (!VECTOR) return null;
        float[] f = new float[B];
        for (int i = 0; i < B; i++) f[i] = lanes[i];
        return FloatVector.fromArray(S, f, 0);
    }

    /** {@code out[c, r] = x[r, c]} for an {@code x} of {@code rows × cols}. */
    public static void transpose(float[] x, int rows, int cols, float[] out) {
        transpose(x, 0, cols, rows, cols, out, 0, rows);
    }

    /**
     * {@code dst[dstOff + c*dstStride + r] = src[srcOff + r*srcStride + c]} for {@code r < rows},
     * {@code c < cols}. The two regions must not overlap.
     */
    static void transpose(float[] src, int srcOff, int srcStride, int rows, int cols, float[] dst, int dstOff, int dstStride) {
        int fullRows = VECTOR ? rows / B * B : 0;
        int fullCols = VECTOR ? cols / B * B : 0;
        for (int r = 0; r < fullRows; r += B) {
            for (int c = 0; c < fullCols; c += B) {
                block(src, srcOff + r * srcStride + c, srcStride, dst, dstOff + c * dstStride + r, dstStride);
            }
        }
        if (fullCols < cols) scalar(src, srcOff, srcStride, 0, fullRows, fullCols, cols, dst, dstOff, dstStride);
        if (fullRows < rows) scalar(src, srcOff, srcStride, fullRows, rows, 0, cols, dst, dstOff, dstStride);
    }

    /** Rows {@code [r0, r1)} by columns {@code [c0, c1)}, in cache-sized tiles. */
    private static void scalar(float[] src, int srcOff, int srcStride, int r0, int r1, int c0, int c1,
                               float[] dst, int dstOff, int dstStride) {
        for (int rt = r0; rt < r1; rt += TILE) {
            int re = Math.min(r1, rt + TILE);
            for (int ct = c0; ct < c1; ct += TILE) {
                int ce = Math.min(c1, ct + TILE);
                for (int r = rt; r < re; r++) {
                    for (int c = ct; c < ce; c++) dst[dstOff + c * dstStride + r] = src[srcOff + r * srcStride + c];
                }
            }
        }
    }

    /** One 16x16 block in registers. */
    static void block(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector r0 = FloatVector.fromArray(S, src, s);
        FloatVector r1 = FloatVector.fromArray(S, src, s + 1 * ss);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * ss);
        FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * ss);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * ss);
        FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * ss);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * ss);
        FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * ss);
        FloatVector r8 = FloatVector.fromArray(S, src, s + 8 * ss);
        FloatVector r9 = FloatVector.fromArray(S, src, s + 9 * ss);
        FloatVector r10 = FloatVector.fromArray(S, src, s + 10 * ss);
        FloatVector r11 = FloatVector.fromArray(S, src, s + 11 * ss);
        FloatVector r12 = FloatVector.fromArray(S, src, s + 12 * ss);
        FloatVector r13 = FloatVector.fromArray(S, src, s + 13 * ss);
        FloatVector r14 = FloatVector.fromArray(S, src, s + 14 * ss);
        FloatVector r15 = FloatVector.fromArray(S, src, s + 15 * ss);
        // round 8: rows i and i+8
        FloatVector a0 = LO8.selectFrom(r0, r8), a8 = HI8.selectFrom(r0, r8);
        FloatVector a1 = LO8.selectFrom(r1, r9), a9 = HI8.selectFrom(r1, r9);
        FloatVector a2 = LO8.selectFrom(r2, r10), a10 = HI8.selectFrom(r2, r10);
        FloatVector a3 = LO8.selectFrom(r3, r11), a11 = HI8.selectFrom(r3, r11);
        FloatVector a4 = LO8.selectFrom(r4, r12), a12 = HI8.selectFrom(r4, r12);
        FloatVector a5 = LO8.selectFrom(r5, r13), a13 = HI8.selectFrom(r5, r13);
        FloatVector a6 = LO8.selectFrom(r6, r14), a14 = HI8.selectFrom(r6, r14);
        FloatVector a7 = LO8.selectFrom(r7, r15), a15 = HI8.selectFrom(r7, r15);
        // round 4: rows i and i+4
        FloatVector b0 = LO4.selectFrom(a0, a4), b4 = HI4.selectFrom(a0, a4);
        FloatVector b1 = LO4.selectFrom(a1, a5), b5 = HI4.selectFrom(a1, a5);
        FloatVector b2 = LO4.selectFrom(a2, a6), b6 = HI4.selectFrom(a2, a6);
        FloatVector b3 = LO4.selectFrom(a3, a7), b7 = HI4.selectFrom(a3, a7);
        FloatVector b8 = LO4.selectFrom(a8, a12), b12 = HI4.selectFrom(a8, a12);
        FloatVector b9 = LO4.selectFrom(a9, a13), b13 = HI4.selectFrom(a9, a13);
        FloatVector b10 = LO4.selectFrom(a10, a14), b14 = HI4.selectFrom(a10, a14);
        FloatVector b11 = LO4.selectFrom(a11, a15), b15 = HI4.selectFrom(a11, a15);
        // round 2: rows i and i+2
        FloatVector c0 = LO2.selectFrom(b0, b2), c2 = HI2.selectFrom(b0, b2);
        FloatVector c1 = LO2.selectFrom(b1, b3), c3 = HI2.selectFrom(b1, b3);
        FloatVector c4 = LO2.selectFrom(b4, b6), c6 = HI2.selectFrom(b4, b6);
        FloatVector c5 = LO2.selectFrom(b5, b7), c7 = HI2.selectFrom(b5, b7);
        FloatVector c8 = LO2.selectFrom(b8, b10), c10 = HI2.selectFrom(b8, b10);
        FloatVector c9 = LO2.selectFrom(b9, b11), c11 = HI2.selectFrom(b9, b11);
        FloatVector c12 = LO2.selectFrom(b12, b14), c14 = HI2.selectFrom(b12, b14);
        FloatVector c13 = LO2.selectFrom(b13, b15), c15 = HI2.selectFrom(b13, b15);
        // round 1: rows i and i+1
        FloatVector e0 = LO1.selectFrom(c0, c1), e1 = HI1.selectFrom(c0, c1);
        FloatVector e2 = LO1.selectFrom(c2, c3), e3 = HI1.selectFrom(c2, c3);
        FloatVector e4 = LO1.selectFrom(c4, c5), e5 = HI1.selectFrom(c4, c5);
        FloatVector e6 = LO1.selectFrom(c6, c7), e7 = HI1.selectFrom(c6, c7);
        FloatVector e8 = LO1.selectFrom(c8, c9), e9 = HI1.selectFrom(c8, c9);
        FloatVector e10 = LO1.selectFrom(c10, c11), e11 = HI1.selectFrom(c10, c11);
        FloatVector e12 = LO1.selectFrom(c12, c13), e13 = HI1.selectFrom(c12, c13);
        FloatVector e14 = LO1.selectFrom(c14, c15), e15 = HI1.selectFrom(c14, c15);
        e0.intoArray(dst, d);
        e1.intoArray(dst, d + 1 * ds);
        e2.intoArray(dst, d + 2 * ds);
        e3.intoArray(dst, d + 3 * ds);
        e4.intoArray(dst, d + 4 * ds);
        e5.intoArray(dst, d + 5 * ds);
        e6.intoArray(dst, d + 6 * ds);
        e7.intoArray(dst, d + 7 * ds);
        e8.intoArray(dst, d + 8 * ds);
        e9.intoArray(dst, d + 9 * ds);
        e10.intoArray(dst, d + 10 * ds);
        e11.intoArray(dst, d + 11 * ds);
        e12.intoArray(dst, d + 12 * ds);
        e13.intoArray(dst, d + 13 * ds);
        e14.intoArray(dst, d + 14 * ds);
        e15.intoArray(dst, d + 15 * ds);
    }
}
