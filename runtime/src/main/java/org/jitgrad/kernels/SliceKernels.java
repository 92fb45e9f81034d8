package org.jitgrad.kernels;

import java.util.Arrays;

/**
 * A range along one axis, and its adjoint. A tensor is viewed as {@code [outer, len, inner]} around the axis, so a
 * range of the axis is one contiguous run of {@code (end - start) * inner} elements per outer index.
 */
public final class SliceKernels {
    private SliceKernels() {}

    /** {@code out[o, l, i] = x[o, start + l, i]} for {@code l < end - start}; {@code x} is {@code [outer, len, inner]}. */
    public static void slice(float[] x, int outer, int len, int inner, int start, int end, float[] out) {
        int run = (end - start) * inner;
        for (int o = 0; o < outer; o++) System.arraycopy(x, (o * len + start) * inner, out, o * run, run);
    }

    /**
     * The adjoint of {@link #slice}: {@code out} is {@code [outer, fullLen, inner]}, zero except
     * {@code out[o, start + l, i] = x[o, l, i]} for {@code l < len}.
     */
    public static void pad(float[] x, int outer, int len, int inner, int start, int fullLen, float[] out) {
        int before = start * inner, run = len * inner, row = fullLen * inner;
        for (int o = 0; o < outer; o++) {
            int base = o * row;
            Arrays.fill(out, base, base + before, 0f);
            System.arraycopy(x, o * run, out, base + before, run);
            Arrays.fill(out, base + before + run, base + row, 0f);
        }
    }

    /**
     * Copies {@code x}, {@code [outer, run]}, into columns {@code [at, at + run)} of {@code out}, {@code [outer, row]}:
     * one part of a concatenation, whose other columns the other parts fill.
     */
    public static void place(float[] x, int outer, int run, int row, int at, float[] out) {
        for (int o = 0; o < outer; o++) System.arraycopy(x, o * run, out, o * row + at, run);
    }
}
