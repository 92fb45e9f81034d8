package org.jitgrad.kernels;

import java.util.Arrays;

/**
 * Row gathers and scatters over a {@code [rows, width]} row-major table, with row indices stored as
 * floats. Indices must have been checked (integral, in range) by the caller.
 */
public final class IndexKernels {
    private IndexKernels() {}

    /** {@code out[i, :] = table[ids[i], :]} for {@code i < n}. */
    public static void gatherRows(float[] table, float[] ids, int n, int width, float[] out) {
        for (int i = 0; i < n; i++) System.arraycopy(table, (int) ids[i] * width, out, i * width, width);
    }

    /**
     * {@code out = 0} over {@code rows·width} elements, then {@code out[ids[i], :] += g[i, :]} for
     * {@code i < n} in order of {@code i}: repeated ids accumulate.
     */
    public static void scatterAddRows(float[] g, float[] ids, int n, int width, int rows, float[] out) {
        Arrays.fill(out, 0, rows * width, 0f);
        for (int i = 0; i < n; i++) {
            int row = (int) ids[i] * width;
            BinaryKernels.addVV(out, row, g, i * width, out, row, width);
        }
    }
}
