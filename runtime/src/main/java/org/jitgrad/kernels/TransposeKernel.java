package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 2-D transpose. With 16-float vectors (AVX-512) every full 16x16 block is transposed in
 * registers: 16 row loads, four rounds of 16 two-source lane permutes (round {@code d} swaps bit
 * {@code d} of the row index with bit {@code d} of the column index: 4, 2, 1 on each half of 8
 * rows, then 8 across the halves), 16 row stores.
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

    /**
     * The lane tables of the four rounds, 16 floats each, in order lo8, hi8, lo4, hi4, lo2, hi2, lo1, hi1: rows
     * {@code i} and {@code i+d} of round {@code d} give new row {@code i} the lanes of {@code lo}, new row {@code i+d}
     * those of {@code hi} (indices 16-31 take from the second row). {@link #block} reads them from this array, for the
     * reason it gives.
     */
    private static final float[] TABLES = lanes(
            0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23,
            8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31,
            0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27,
            4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31,
            0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29,
            2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31,
            0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30,
            1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);

    private TransposeKernel() {}

    private static float[] lanes(int... lanes) {
        float[] f = new float[lanes.length];
        for (int i = 0; i < lanes.length; i++) f[i] = lanes[i];
        return f;
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

    /**
     * One 16x16 block in registers: rounds 4, 2 and 1 on rows 0-7, the same on rows 8-15, then round 8 pairing the
     * two halves as it stores them (the rounds commute: each swaps a different bit). Two choices keep C2 from
     * spilling vectors to the stack, which made the transposed packing of B up to 31% slower or not depending on
     * where the calling thread's stack pointer fell (a 64x256 block of mnist's B read with a stride C2 cannot fold:
     * 3.35 or 4.39 us by the depth of the call): the lane tables are loaded here from {@link #TABLES}, an array
     * {@code dst} might alias, so C2 cannot hoist all eight out of the caller's loop into registers; and only 8 rows
     * are loaded at a time. This way it took 2.94 us at every depth (probe medians, 12 blocks of 64 rows, one JVM).
     */
    static void block(float[] src, int s, int ss, float[] dst, int d, int ds) {
        FloatVector lo8 = FloatVector.fromArray(S, TABLES, 0), hi8 = FloatVector.fromArray(S, TABLES, B);
        FloatVector lo4 = FloatVector.fromArray(S, TABLES, 2 * B), hi4 = FloatVector.fromArray(S, TABLES, 3 * B);
        FloatVector lo2 = FloatVector.fromArray(S, TABLES, 4 * B), hi2 = FloatVector.fromArray(S, TABLES, 5 * B);
        FloatVector lo1 = FloatVector.fromArray(S, TABLES, 6 * B), hi1 = FloatVector.fromArray(S, TABLES, 7 * B);
        // rows 0-7
        FloatVector r0 = FloatVector.fromArray(S, src, s);
        FloatVector r1 = FloatVector.fromArray(S, src, s + 1 * ss);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * ss);
        FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * ss);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * ss);
        FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * ss);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * ss);
        FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * ss);
        FloatVector b0 = lo4.selectFrom(r0, r4), b4 = hi4.selectFrom(r0, r4);
        FloatVector b1 = lo4.selectFrom(r1, r5), b5 = hi4.selectFrom(r1, r5);
        FloatVector b2 = lo4.selectFrom(r2, r6), b6 = hi4.selectFrom(r2, r6);
        FloatVector b3 = lo4.selectFrom(r3, r7), b7 = hi4.selectFrom(r3, r7);
        FloatVector c0 = lo2.selectFrom(b0, b2), c2 = hi2.selectFrom(b0, b2);
        FloatVector c1 = lo2.selectFrom(b1, b3), c3 = hi2.selectFrom(b1, b3);
        FloatVector c4 = lo2.selectFrom(b4, b6), c6 = hi2.selectFrom(b4, b6);
        FloatVector c5 = lo2.selectFrom(b5, b7), c7 = hi2.selectFrom(b5, b7);
        FloatVector e0 = lo1.selectFrom(c0, c1), e1 = hi1.selectFrom(c0, c1);
        FloatVector e2 = lo1.selectFrom(c2, c3), e3 = hi1.selectFrom(c2, c3);
        FloatVector e4 = lo1.selectFrom(c4, c5), e5 = hi1.selectFrom(c4, c5);
        FloatVector e6 = lo1.selectFrom(c6, c7), e7 = hi1.selectFrom(c6, c7);
        // rows 8-15, the same steps again: a helper returning 8 vectors would have to box them
        int s8 = s + 8 * ss;
        r0 = FloatVector.fromArray(S, src, s8);
        r1 = FloatVector.fromArray(S, src, s8 + 1 * ss);
        r2 = FloatVector.fromArray(S, src, s8 + 2 * ss);
        r3 = FloatVector.fromArray(S, src, s8 + 3 * ss);
        r4 = FloatVector.fromArray(S, src, s8 + 4 * ss);
        r5 = FloatVector.fromArray(S, src, s8 + 5 * ss);
        r6 = FloatVector.fromArray(S, src, s8 + 6 * ss);
        r7 = FloatVector.fromArray(S, src, s8 + 7 * ss);
        b0 = lo4.selectFrom(r0, r4); b4 = hi4.selectFrom(r0, r4);
        b1 = lo4.selectFrom(r1, r5); b5 = hi4.selectFrom(r1, r5);
        b2 = lo4.selectFrom(r2, r6); b6 = hi4.selectFrom(r2, r6);
        b3 = lo4.selectFrom(r3, r7); b7 = hi4.selectFrom(r3, r7);
        c0 = lo2.selectFrom(b0, b2); c2 = hi2.selectFrom(b0, b2);
        c1 = lo2.selectFrom(b1, b3); c3 = hi2.selectFrom(b1, b3);
        c4 = lo2.selectFrom(b4, b6); c6 = hi2.selectFrom(b4, b6);
        c5 = lo2.selectFrom(b5, b7); c7 = hi2.selectFrom(b5, b7);
        FloatVector f0 = lo1.selectFrom(c0, c1), f1 = hi1.selectFrom(c0, c1);
        FloatVector f2 = lo1.selectFrom(c2, c3), f3 = hi1.selectFrom(c2, c3);
        FloatVector f4 = lo1.selectFrom(c4, c5), f5 = hi1.selectFrom(c4, c5);
        FloatVector f6 = lo1.selectFrom(c6, c7), f7 = hi1.selectFrom(c6, c7);
        // round 8: row i of each half, into rows i and i+8
        lo8.selectFrom(e0, f0).intoArray(dst, d);
        hi8.selectFrom(e0, f0).intoArray(dst, d + 8 * ds);
        lo8.selectFrom(e1, f1).intoArray(dst, d + 1 * ds);
        hi8.selectFrom(e1, f1).intoArray(dst, d + 9 * ds);
        lo8.selectFrom(e2, f2).intoArray(dst, d + 2 * ds);
        hi8.selectFrom(e2, f2).intoArray(dst, d + 10 * ds);
        lo8.selectFrom(e3, f3).intoArray(dst, d + 3 * ds);
        hi8.selectFrom(e3, f3).intoArray(dst, d + 11 * ds);
        lo8.selectFrom(e4, f4).intoArray(dst, d + 4 * ds);
        hi8.selectFrom(e4, f4).intoArray(dst, d + 12 * ds);
        lo8.selectFrom(e5, f5).intoArray(dst, d + 5 * ds);
        hi8.selectFrom(e5, f5).intoArray(dst, d + 13 * ds);
        lo8.selectFrom(e6, f6).intoArray(dst, d + 6 * ds);
        hi8.selectFrom(e6, f6).intoArray(dst, d + 14 * ds);
        lo8.selectFrom(e7, f7).intoArray(dst, d + 7 * ds);
        hi8.selectFrom(e7, f7).intoArray(dst, d + 15 * ds);
    }
}
