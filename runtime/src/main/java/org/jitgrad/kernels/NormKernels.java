package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Normalization of rows ({@code x̂ = (x - mean)/sqrt(var + eps)}, the biased variance) and its backward form, one
 * row at a time: the statistics of a row are computed while it is in L1 and applied at once, where the composition
 * of primitives (mean, subtract, square, mean, add, power, multiply) went over the whole tensor seven times forward
 * and more backward. Sums run lane-wise over the whole vectors of a row, then across the lanes in order
 * ({@link LaneSum}), then over the row's tail in order, so a row gives the same bits on every call. Tails are scalar:
 * with masked loads, C2 compiled one of these row loops into code that allocated an array per row.
 */
public final class NormKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private NormKernels() {}

    /** {@code y[r] = (x[r] - mean(x[r])) / sqrt(var(x[r]) + eps)} for each of {@code rows} rows of {@code len}. */
    public static void normalize(float[] x, int rows, int len, float eps, float[] y) {
        int whole = S.loopBound(len);
        for (int r = 0, off = 0; r < rows; r++, off += len) {
            float mean = ReduceKernels.sum(x, off, len) / len;
            float rstd = reciprocalStd(x, off, len, mean, eps);
            int i = 0;
            for (; i < whole; i += L) FloatVector.fromArray(S, x, off + i).sub(mean).mul(rstd).intoArray(y, off + i);
            for (; i < len; i++) y[off + i] = (x[off + i] - mean) * rstd;
        }
    }

    /**
     * The gradient of {@link #normalize} with respect to {@code x}, given the gradient {@code g} of its output:
     * {@code dx = rstd·(g - mean(g) - x̂·mean(g·x̂))} row by row, with the row's statistics computed again from
     * {@code x}.
     */
    public static void normalizeGrad(float[] x, float[] g, int rows, int len, float eps, float[] dx) {
        int whole = S.loopBound(len);
        for (int r = 0, off = 0; r < rows; r++, off += len) {
            float mean = ReduceKernels.sum(x, off, len) / len;
            float rstd = reciprocalStd(x, off, len, mean, eps);
            float gMean = ReduceKernels.sum(g, off, len) / len;
            float gxMean = sumOfProductsWithNormalized(g, x, off, len, mean, rstd) / len;
            int i = 0;
            for (; i < whole; i += L) {
                FloatVector xh = FloatVector.fromArray(S, x, off + i).sub(mean).mul(rstd);
                FloatVector.fromArray(S, g, off + i).sub(gMean).sub(xh.mul(gxMean)).mul(rstd).intoArray(dx, off + i);
            }
            for (; i < len; i++) {
                float xh = (x[off + i] - mean) * rstd;
                dx[off + i] = (g[off + i] - gMean - xh * gxMean) * rstd;
            }
        }
    }

    /** {@code Σ g·x̂} over one row, {@code x̂ = (x - mean)·rstd}. */
    private static float sumOfProductsWithNormalized(float[] g, float[] x, int off, int len, float mean, float rstd) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int whole = S.loopBound(len); i < whole; i += L) {
            FloatVector xh = FloatVector.fromArray(S, x, off + i).sub(mean).mul(rstd);
            acc = FloatVector.fromArray(S, g, off + i).fma(xh, acc);
        }
        float s = LaneSum.tree(acc);
        for (; i < len; i++) s = Math.fma(g[off + i], (x[off + i] - mean) * rstd, s);
        return s;
    }

    /** {@code 1/sqrt(mean((x - mean)²) + eps)} of one row (two passes over the row: no cancellation). */
    private static float reciprocalStd(float[] x, int off, int len, float mean, float eps) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int whole = S.loopBound(len); i < whole; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(mean);
            acc = d.fma(d, acc);
        }
        float s = LaneSum.tree(acc);
        for (; i < len; i++) {
            float d = x[off + i] - mean;
            s = Math.fma(d, d, s);
        }
        return (float) (1.0 / Math.sqrt(s / len + eps));
    }
}
