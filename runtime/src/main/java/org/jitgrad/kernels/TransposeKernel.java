package org.jitgrad.kernels;

/** The 2-D transpose, in cache-sized tiles. */
public final class TransposeKernel {
    private static final int TILE = 32;

    private TransposeKernel() {}

    /** {@code out[c, r] = x[r, c]} for an {@code x} of {@code rows × cols}. */
    public static void transpose(float[] x, int rows, int cols, float[] out) {
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int r1 = Math.min(rows, r0 + TILE);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) out[c * rows + r] = x[r * cols + c];
                }
            }
        }
    }
}
