package org.jitgrad.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-softmax over one axis of a tensor viewed as {@code [outer, len, inner]}, and their
 * backward forms. Rows along the last axis ({@code inner == 1}) take a vectorized path; other axes use
 * strided scalar loops. Both subtract the row maximum first, so logits of 1e4 do not overflow. The
 * softmax of a row that is entirely {@code -Infinity} (a fully masked attention row) is all zeros, and
 * so is its gradient; PyTorch gives NaN there.
 */
public final class SoftmaxKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private SoftmaxKernels() {}

    /** {@code y = exp(x - max) / Σ exp(x - max)} along the axis. */
    public static void softmax(float[] x, int outer, int len, int inner, float[] y) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                if (inner == 1) {
                    softmaxRow(x, base, len, y);
                } else {
                    softmaxStrided(x, base, len, inner, y);
                }
            }
        }
    }

    /**
     * Softmax of one contiguous row {@code x[off..off+n)} into {@code y} at the same offset. A row whose
     * entries are all {@code -Infinity} (masked out entirely) gives zeros, not NaN.
     */
    public static void softmaxRow(float[] x, int off, int n, float[] y) {
        float max = ReduceKernels.maxRow(x, off, n);
        if (max == Float.NEGATIVE_INFINITY) {
            Arrays.fill(y, off, off + n, 0f);
            return;
        }
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector e = FloatVector.fromArray(S, x, off + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(y, off + i);
            acc = acc.add(e);
        }
        float sum = LaneSum.tree(acc);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            y[off + i] = e;
            sum += e;
        }
        BinaryKernels.mulVS(y, off, 1f / sum, y, off, n);
    }

    private static void softmaxStrided(float[] x, int base, int len, int inner, float[] y) {
        float max = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < len; l++) max = Math.max(max, x[base + l * inner]);
        if (max == Float.NEGATIVE_INFINITY) {
            for (int l = 0; l < len; l++) y[base + l * inner] = 0f;
            return;
        }
        float sum = 0f;
        for (int l = 0; l < len; l++) {
            float e = (float) Math.exp(x[base + l * inner] - max);
            y[base + l * inner] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int l = 0; l < len; l++) y[base + l * inner] *= inv;
    }

    /** Whether {@link #causalSoftmax} and {@link #causalSoftmaxGrad} take blocks of {@code t x t}: rows of whole vectors. */
    public static boolean causalFits(int t) {
        return t > 0 && t % L == 0;
    }

    /**
     * Causal attention's softmax in one pass: for each row {@code i} of each {@code [t, t]} block, the softmax over
     * {@code j <= i} of {@code scale·s[i][j]}, and zeros for {@code j > i} (where the composite {@code softmax(where(
     * mask, -inf, scale·s))} puts {@code exp(-inf) = 0}). Only the vectors up to the diagonal are read, and each element
     * takes the composite's operations in its order ({@link #softmaxRow}: the max, one exp, the sum of the row's vectors
     * in order, a multiply by its reciprocal), so the values are its bits: a row's skipped vectors would only have added
     * zeros. Rows of whole vectors only ({@link #causalFits}).
     */
    public static void causalSoftmax(float[] s, float scale, int blocks, int t, float[] p) {
        FloatVector minusInf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int r = 0, rows = blocks * t; r < rows; r++) {
            int i = r % t, off = r * t, diagonal = i / L * L;
            VectorMask<Float> below = S.indexInRange(0, i - diagonal + 1);   // the diagonal vector's lanes j <= i
            FloatVector mx = minusInf;
            for (int v = 0; v < diagonal; v += L) mx = mx.max(FloatVector.fromArray(S, s, off + v).mul(scale));
            mx = mx.max(minusInf.blend(FloatVector.fromArray(S, s, off + diagonal).mul(scale), below));
            float max = mx.reduceLanes(VectorOperators.MAX);
            if (max == Float.NEGATIVE_INFINITY) {
                Arrays.fill(p, off, off + t, 0f);
                continue;
            }
            FloatVector acc = FloatVector.zero(S);
            for (int v = 0; v <= diagonal; v += L) {
                FloatVector z = FloatVector.fromArray(S, s, off + v).mul(scale);
                if (v == diagonal) z = minusInf.blend(z, below);
                FloatVector e = z.sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(p, off + v);
                acc = acc.add(e);
            }
            float inv = 1f / LaneSum.tree(acc);
            for (int v = 0; v <= diagonal; v += L) FloatVector.fromArray(S, p, off + v).mul(inv).intoArray(p, off + v);
            Arrays.fill(p, off + diagonal + L, off + t, 0f);
        }
    }

    /**
     * The gradient through {@link #causalSoftmax}: {@code dx[i][j] = scale·p[i][j]·(g[i][j] - Σ_k p[i][k]·g[i][k])}
     * for {@code j <= i} and 0 above: the composite {@code scale·where(mask, 0, softmax_grad(p, g))}'s bits when p is
     * zero above the diagonal and g finite there (the skipped terms {@code 0·g} would have added zeros).
     */
    public static void causalSoftmaxGrad(float[] p, float[] g, float scale, int blocks, int t, float[] dx) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0, rows = blocks * t; r < rows; r++) {
            int i = r % t, off = r * t, diagonal = i / L * L;
            FloatVector acc = zero;
            for (int v = 0; v <= diagonal; v += L) {
                acc = FloatVector.fromArray(S, g, off + v).fma(FloatVector.fromArray(S, p, off + v), acc);
            }
            float dot = LaneSum.tree(acc);
            for (int v = 0; v <= diagonal; v += L) {
                FloatVector d = FloatVector.fromArray(S, p, off + v).mul(FloatVector.fromArray(S, g, off + v).sub(dot));
                if (v == diagonal) d = zero.blend(d, S.indexInRange(0, i - diagonal + 1));
                d.mul(scale).intoArray(dx, off + v);
            }
            Arrays.fill(dx, off + diagonal + L, off + t, 0f);
        }
    }

    /**
     * {@code y = (x - max) - log Σ exp(x - max)} along the axis, in that order: subtracting the rounded
     * {@code max + log Σ} instead would cost up to half an ulp of the maximum (2e-4 for logits of 3e4), far more than
     * the result's own rounding when it is of order 1.
     */
    public static void logSoftmax(float[] x, int outer, int len, int inner, float[] y) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                float max = max(x, base, len, inner);
                float logSum = logSumExpBelowMax(x, base, len, inner, max);
                for (int l = 0; l < len; l++) y[base + l * inner] = (x[base + l * inner] - max) - logSum;
            }
        }
    }

    /** {@code log Σ_l exp(x[base + l*stride])}, computed stably. */
    public static float logSumExp(float[] x, int base, int len, int stride) {
        float max = max(x, base, len, stride);
        return max + logSumExpBelowMax(x, base, len, stride, max);
    }

    /** The largest of {@code x[base + l*stride]}. */
    public static float max(float[] x, int base, int len, int stride) {
        if (stride == 1) return ReduceKernels.maxRow(x, base, len);
        float max = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < len; l++) max = Math.max(max, x[base + l * stride]);
        return max;
    }

    /** {@code log Σ_l exp(x[base + l*stride] - max)}, where {@code max} is their {@link #max}. */
    public static float logSumExpBelowMax(float[] x, int base, int len, int stride, float max) {
        if (stride == 1) {
            int i = 0;
            FloatVector acc = FloatVector.zero(S);
            for (int up = S.loopBound(len); i < up; i += L) {
                acc = acc.add(FloatVector.fromArray(S, x, base + i).sub(max).lanewise(VectorOperators.EXP));
            }
            float sum = LaneSum.tree(acc);
            for (; i < len; i++) sum += (float) Math.exp(x[base + i] - max);
            return (float) Math.log(sum);
        }
        float sum = 0f;
        for (int l = 0; l < len; l++) sum += (float) Math.exp(x[base + l * stride] - max);
        return (float) Math.log(sum);
    }

    /** {@code dx = y * (g - Σ g·y)} along the axis, where {@code y} is the softmax output. */
    public static void softmaxGrad(float[] y, float[] g, int outer, int len, int inner, float[] dx) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                if (inner == 1) {
                    softmaxGradRow(y, g, base, len, dx);
                    continue;
                }
                float dot = 0f;
                for (int l = 0; l < len; l++) dot += g[base + l * inner] * y[base + l * inner];
                for (int l = 0; l < len; l++) {
                    int p = base + l * inner;
                    dx[p] = y[p] * (g[p] - dot);
                }
            }
        }
    }

    /** {@link #softmaxGrad} of one contiguous row {@code [off, off+n)}. */
    private static void softmaxGradRow(float[] y, float[] g, int off, int n, float[] dx) {
        int whole = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i < whole; i += L) {
            acc = FloatVector.fromArray(S, g, off + i).fma(FloatVector.fromArray(S, y, off + i), acc);
        }
        float dot = LaneSum.tree(acc);
        for (; i < n; i++) dot = Math.fma(g[off + i], y[off + i], dot);
        for (i = 0; i < whole; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, off + i);
            yv.mul(FloatVector.fromArray(S, g, off + i).sub(dot)).intoArray(dx, off + i);
        }
        for (; i < n; i++) dx[off + i] = y[off + i] * (g[off + i] - dot);
    }

    /** {@code dx = g - exp(y) * Σ g} along the axis, where {@code y} is the log-softmax output. */
    public static void logSoftmaxGrad(float[] y, float[] g, int outer, int len, int inner, float[] dx) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                float sum = 0f;
                for (int l = 0; l < len; l++) sum += g[base + l * inner];
                for (int l = 0; l < len; l++) {
                    int p = base + l * inner;
                    dx[p] = g[p] - (float) Math.exp(y[p]) * sum;
                }
            }
        }
    }
}
