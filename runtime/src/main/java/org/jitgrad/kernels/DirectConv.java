package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution with stride 1 computed from the zero-padded image ({@link Im2col#pad}) without a patch matrix, for
 * layers of little depth {@code K = c·kh·kw} such as LeNet's first ({@code K = 25}, 6 channels of 28x28). There,
 * writing and re-reading the {@code K x ho·wo} patch matrix cost as much as the product, whose 6 rows also leave the
 * GEMM's 6x64 tiles little to work with. Each vector holds {@code L} output columns of one output row, read as
 * {@code L} consecutive floats of a padded input row.
 *
 * <p>The forward sums each output over {@code (c, i, j)} in the patch matrix's row order with one FMA per term from
 * zero, as the GEMM does over a single depth block, so the two paths give the same bits. The weight gradient sums
 * over output positions in another order than the GEMM (within the tests' tolerance): lanes of output columns, then
 * output rows, then images, then the lanes in order ({@link LaneSum}).
 */
final class DirectConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Deepest product computed directly; deeper ones re-read each input element often enough to repay the patches. */
    static final int MAX_DEPTH = KernelProperties.intValue("jitgrad.conv.directDepth", 64, 0);

    private DirectConv() {}

    /**
     * Whether a layer takes this path: stride 1, depth up to {@link #MAX_DEPTH} (and one GEMM depth block, so the
     * forward matches it bit for bit), and output rows filling at least half a vector.
     */
    static boolean accepts(int c, int kh, int kw, int stride, int wo) {
        int k = c * kh * kw;
        return stride == 1 && k <= MAX_DEPTH && k <= GemmBlocking.KC && 2 * wo >= L;
    }

    /**
     * One image's output {@code out[outOff..]} ({@code [co, ho, wo]}) from its padded copy ({@code [c, hp, wp]}
     * with {@code hp = ho + kh - 1}, {@code wp = wo + kw - 1}, and a vector of slack) and {@code weight [co, c, kh, kw]}.
     * {@code out} must have room for a whole vector past the image's output.
     */
    static void forward(float[] padded, int c, int hp, int wp, float[] weight, int co, int kh, int kw,
                        float[] out, int outOff, int ho, int wo) {
        int k = c * kh * kw;
        // three output channels at a time; past the last channel the block repeats it and does not store it
        for (int o = 0; o < co; o += 3) {
            int w0 = o * k, w1 = Math.min(o + 1, co - 1) * k, w2 = Math.min(o + 2, co - 1) * k, valid = Math.min(3, co - o);
            for (int oy = 0; oy < ho; oy++) {
                int dst = outOff + (o * ho + oy) * wo, ox0 = 0;
                for (; ox0 + L < wo; ox0 += 2 * L) {
                    channels3x2(padded, oy * wp + ox0, hp, wp, c, kh, kw, weight, w0, w1, w2, out, dst + ox0, ho * wo,
                            valid, wo - ox0 - L);
                }
                if (ox0 < wo) {
                    channels3x1(padded, oy * wp + ox0, hp, wp, c, kh, kw, weight, w0, w1, w2, out, dst + ox0, ho * wo,
                            valid, wo - ox0);
                }
            }
        }
    }

    /** Two vectors of output columns (the second {@code second} lanes long) of up to three channels. */
    private static void channels3x2(float[] padded, int src, int hp, int wp, int c, int kh, int kw, float[] weight,
                                    int w0, int w1, int w2, float[] out, int dst, int plane, int valid, int second) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0;
        int p = 0;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < kh; i++) {
                int row = src + (ch * hp + i) * wp;
                for (int j = 0; j < kw; j++, p++) {
                    FloatVector x0 = FloatVector.fromArray(S, padded, row + j);
                    FloatVector x1 = FloatVector.fromArray(S, padded, row + j + L);
                    FloatVector wa = FloatVector.broadcast(S, weight[w0 + p]);
                    a0 = wa.fma(x0, a0);
                    a1 = wa.fma(x1, a1);
                    FloatVector wb = FloatVector.broadcast(S, weight[w1 + p]);
                    b0 = wb.fma(x0, b0);
                    b1 = wb.fma(x1, b1);
                    FloatVector wc = FloatVector.broadcast(S, weight[w2 + p]);
                    c0 = wc.fma(x0, c0);
                    c1 = wc.fma(x1, c1);
                }
            }
        }
        VectorMask<Float> m = S.indexInRange(0, second);
        a0.intoArray(out, dst);
        a1.intoArray(out, dst + L, m);
        if (valid > 1) {
            b0.intoArray(out, dst + plane);
            b1.intoArray(out, dst + plane + L, m);
        }
        if (valid > 2) {
            c0.intoArray(out, dst + 2 * plane);
            c1.intoArray(out, dst + 2 * plane + L, m);
        }
    }

    /** One vector of output columns ({@code lanes} long) of up to three channels. */
    private static void channels3x1(float[] padded, int src, int hp, int wp, int c, int kh, int kw, float[] weight,
                                    int w0, int w1, int w2, float[] out, int dst, int plane, int valid, int lanes) {
        FloatVector a0 = FloatVector.zero(S), b0 = a0, c0 = a0;
        int p = 0;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < kh; i++) {
                int row = src + (ch * hp + i) * wp;
                for (int j = 0; j < kw; j++, p++) {
                    FloatVector x0 = FloatVector.fromArray(S, padded, row + j);
                    a0 = FloatVector.broadcast(S, weight[w0 + p]).fma(x0, a0);
                    b0 = FloatVector.broadcast(S, weight[w1 + p]).fma(x0, b0);
                    c0 = FloatVector.broadcast(S, weight[w2 + p]).fma(x0, c0);
                }
            }
        }
        VectorMask<Float> m = S.indexInRange(0, lanes);
        a0.intoArray(out, dst, m);
        if (valid > 1) b0.intoArray(out, dst + plane, m);
        if (valid > 2) c0.intoArray(out, dst + 2 * plane, m);
    }

    /**
     * Adds one image's weight gradient, lane by lane, into {@code sums} ({@code L} floats for each weight, see
     * {@link #finish}): for every weight {@code (o, ch, i, j)}, the products of {@code g[gOff..]}'s
     * ({@code [co, ho, wo]}) channel {@code o} with the padded input at offset {@code (i, j)}, by output column lane.
     * {@code g} must have room for a whole vector past the image's gradient.
     */
    static void gradWeight(float[] padded, int c, int hp, int wp, float[] g, int gOff, int co, int kh, int kw,
                           int ho, int wo, float[] sums) {
        int k = c * kh * kw;
        for (int o = 0; o < co; o++) {
            int gPlane = gOff + o * ho * wo;
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < kh; i++) {
                    int src = (ch * hp + i) * wp, at = (o * k + (ch * kh + i) * kw) * L;
                    // three kernel columns at a time; past the last one the block repeats it and does not add it
                    for (int j = 0; j < kw; j += 3) {
                        int j1 = Math.min(j + 1, kw - 1), j2 = Math.min(j + 2, kw - 1), valid = Math.min(3, kw - j);
                        int ox0 = 0;
                        for (; ox0 + L < wo; ox0 += 2 * L) {
                            columns3x2(padded, src + ox0, wp, j, j1, j2, g, gPlane + ox0, ho, wo, wo - ox0 - L, sums,
                                    at + j * L, valid);
                        }
                        if (ox0 < wo) {
                            columns3(padded, src + ox0, wp, j, j1, j2, g, gPlane + ox0, ho, wo, wo - ox0, sums,
                                    at + j * L, valid);
                        }
                    }
                }
            }
        }
    }

    /** {@link #columns3} for two vectors of output columns, the first whole, the second {@code second} lanes. */
    private static void columns3x2(float[] padded, int src, int wp, int j0, int j1, int j2, float[] g, int gAt, int ho,
                                   int wo, int second, float[] sums, int at, int valid) {
        VectorMask<Float> m = S.indexInRange(0, second);
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, t0 = s0, t1 = s0, t2 = s0;
        for (int oy = 0; oy < ho; oy++, src += wp, gAt += wo) {
            FloatVector g0 = FloatVector.fromArray(S, g, gAt), g1 = FloatVector.fromArray(S, g, gAt + L, m);
            s0 = g0.fma(FloatVector.fromArray(S, padded, src + j0), s0);
            s1 = g0.fma(FloatVector.fromArray(S, padded, src + j1), s1);
            s2 = g0.fma(FloatVector.fromArray(S, padded, src + j2), s2);
            t0 = g1.fma(FloatVector.fromArray(S, padded, src + j0 + L, m), t0);
            t1 = g1.fma(FloatVector.fromArray(S, padded, src + j1 + L, m), t1);
            t2 = g1.fma(FloatVector.fromArray(S, padded, src + j2 + L, m), t2);
        }
        FloatVector.fromArray(S, sums, at).add(s0.add(t0)).intoArray(sums, at);
        if (valid > 1) FloatVector.fromArray(S, sums, at + L).add(s1.add(t1)).intoArray(sums, at + L);
        if (valid > 2) FloatVector.fromArray(S, sums, at + 2 * L).add(s2.add(t2)).intoArray(sums, at + 2 * L);
    }

    /**
     * For one vector of output columns ({@code lanes} valid), the products of the gradient with the padded input at
     * kernel columns {@code j0, j1, j2} of one kernel row, summed over output rows and added to {@code sums[at..]}.
     */
    private static void columns3(float[] padded, int src, int wp, int j0, int j1, int j2, float[] g, int gAt, int ho,
                                 int wo, int lanes, float[] sums, int at, int valid) {
        // masked loads: lanes past the row would multiply the next row's values (or the slack, never cleared)
        VectorMask<Float> m = S.indexInRange(0, lanes);
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0;
        for (int oy = 0; oy < ho; oy++, src += wp, gAt += wo) {
            FloatVector gv = FloatVector.fromArray(S, g, gAt, m);
            s0 = gv.fma(FloatVector.fromArray(S, padded, src + j0, m), s0);
            s1 = gv.fma(FloatVector.fromArray(S, padded, src + j1, m), s1);
            s2 = gv.fma(FloatVector.fromArray(S, padded, src + j2, m), s2);
        }
        FloatVector.fromArray(S, sums, at).add(s0).intoArray(sums, at);
        if (valid > 1) FloatVector.fromArray(S, sums, at + L).add(s1).intoArray(sums, at + L);
        if (valid > 2) FloatVector.fromArray(S, sums, at + 2 * L).add(s2).intoArray(sums, at + 2 * L);
    }

    /** Floats of the lane sums {@link #gradWeight} adds into for a weight of {@code size} elements. */
    static int sumsSize(int size) {
        return size * L;
    }

    /** {@code dw[e]} = the lanes of {@code sums} for weight element {@code e}, added in order (as {@link LaneSum}). */
    static void finish(float[] sums, float[] dw, int size) {
        for (int e = 0; e < size; e++) {
            float r = 0f;
            for (int l = 0; l < L; l++) r += sums[e * L + l];
            dw[e] = r;
        }
    }
}
