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
        // two output channels at a time, which share the input's loads (the second absent when co is odd)
        for (int o = 0; o < co; o += 2) {
            boolean pair = o + 1 < co;
            int g0 = gOff + o * ho * wo, g1 = pair ? g0 + ho * wo : g0;
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < kh; i++) {
                    int src = (ch * hp + i) * wp, row = (ch * kh + i) * kw;
                    int at0 = (o * k + row) * L, at1 = pair ? at0 + k * L : at0;
                    // three kernel columns at a time; past the last one the block repeats it and does not add it
                    for (int j = 0; j < kw; j += 3) {
                        int j1 = Math.min(j + 1, kw - 1), j2 = Math.min(j + 2, kw - 1), valid = Math.min(3, kw - j);
                        int ox0 = 0;
                        for (; ox0 + L < wo; ox0 += 2 * L) {
                            columns3x2(padded, src + ox0, wp, j, j1, j2, g, g0 + ox0, g1 + ox0, ho, wo, wo - ox0 - L,
                                    sums, at0 + j * L, at1 + j * L, valid, pair);
                        }
                        if (ox0 < wo) {
                            columns3(padded, src + ox0, wp, j, j1, j2, g, g0 + ox0, ho, wo, wo - ox0, sums,
                                    at0 + j * L, valid);
                            if (pair) {
                                columns3(padded, src + ox0, wp, j, j1, j2, g, g1 + ox0, ho, wo, wo - ox0, sums,
                                        at1 + j * L, valid);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #columns3} for two vectors of output columns, the first whole, the second {@code second} lanes, and two
     * output channels (gradient planes from {@code gA} and {@code gB}, sums at {@code atA} and {@code atB}; the
     * second skipped unless {@code pair}).
     */
    private static void columns3x2(float[] padded, int src, int wp, int j0, int j1, int j2, float[] g, int gA, int gB,
                                   int ho, int wo, int second, float[] sums, int atA, int atB, int valid, boolean pair) {
        VectorMask<Float> m = S.indexInRange(0, second);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0;
        for (int oy = 0; oy < ho; oy++, src += wp, gA += wo, gB += wo) {
            FloatVector x0 = FloatVector.fromArray(S, padded, src + j0), x3 = FloatVector.fromArray(S, padded, src + j0 + L, m);
            FloatVector x1 = FloatVector.fromArray(S, padded, src + j1), x4 = FloatVector.fromArray(S, padded, src + j1 + L, m);
            FloatVector x2 = FloatVector.fromArray(S, padded, src + j2), x5 = FloatVector.fromArray(S, padded, src + j2 + L, m);
            FloatVector ga = FloatVector.fromArray(S, g, gA), gaTail = FloatVector.fromArray(S, g, gA + L, m);
            a0 = ga.fma(x0, a0);
            a1 = ga.fma(x1, a1);
            a2 = ga.fma(x2, a2);
            a3 = gaTail.fma(x3, a3);
            a4 = gaTail.fma(x4, a4);
            a5 = gaTail.fma(x5, a5);
            FloatVector gb = FloatVector.fromArray(S, g, gB), gbTail = FloatVector.fromArray(S, g, gB + L, m);
            b0 = gb.fma(x0, b0);
            b1 = gb.fma(x1, b1);
            b2 = gb.fma(x2, b2);
            b3 = gbTail.fma(x3, b3);
            b4 = gbTail.fma(x4, b4);
            b5 = gbTail.fma(x5, b5);
        }
        FloatVector.fromArray(S, sums, atA).add(a0.add(a3)).intoArray(sums, atA);
        if (valid > 1) FloatVector.fromArray(S, sums, atA + L).add(a1.add(a4)).intoArray(sums, atA + L);
        if (valid > 2) FloatVector.fromArray(S, sums, atA + 2 * L).add(a2.add(a5)).intoArray(sums, atA + 2 * L);
        if (!pair) return;
        FloatVector.fromArray(S, sums, atB).add(b0.add(b3)).intoArray(sums, atB);
        if (valid > 1) FloatVector.fromArray(S, sums, atB + L).add(b1.add(b4)).intoArray(sums, atB + L);
        if (valid > 2) FloatVector.fromArray(S, sums, atB + 2 * L).add(b2.add(b5)).intoArray(sums, atB + 2 * L);
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
