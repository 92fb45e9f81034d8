package org.jitgrad.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Max pooling with 2x2 windows every 2 ({@link PoolKernels#maxPool} and {@link PoolKernels#maxPoolGrad} for that
 * window, which LeNet uses), on vectors of output columns. Two vectors of a row pair's top row hold the windows'
 * top-left and top-right elements side by side; two lane permutes split them into one vector of each, likewise for
 * the bottom row. The winner of each window is picked as the scalar scan picks it: the first NaN, else the first of
 * the largest in row-major order, so ties, signed zeros and NaN payloads come out bit for bit the same. The gradient
 * is routed to the winner and permuted back into the two rows.
 */
final class MaxPool2x2 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * Lane tables, {@code L} floats each: even and odd lanes of two vectors taken as one of {@code 2L} lanes, then
     * the low and high halves of two vectors interleaved lane by lane (indices from {@code L} take the second).
     */
    private static final int EVEN = 0, ODD = L, LOW = 2 * L, HIGH = 3 * L;
    private static final float[] TABLES = tables();

    private MaxPool2x2() {}

    /**
     * Whether rows {@code w} wide take this path: when their windows fill at least half a vector. Narrower rows waste
     * most lanes; LeNet's second pooling (5 windows a row) ran slower here than on the scalar path (about 113 against
     * 73 us forward, 186 against 82 backward at batch 64).
     */
    static boolean accepts(int w) {
        return 2 * (w / 2) >= L;
    }

    private static float[] tables() {
        float[] t = new float[4 * L];
        for (int i = 0; i < L; i++) {
            t[EVEN + i] = 2 * i;
            t[ODD + i] = 2 * i + 1;
            t[LOW + i] = (i % 2 == 0 ? 0 : L) + i / 2;
            t[HIGH + i] = (i % 2 == 0 ? 0 : L) + L / 2 + i / 2;
        }
        return t;
    }

    /** {@code out} ({@code planes x h/2 x w/2}) = the maximum of each window of {@code x} ({@code planes x h x w}). */
    static void forward(float[] x, int planes, int h, int w, float[] out) {
        int ho = h / 2, wo = w / 2, strips = (wo + L - 1) / L;
        for (int pl = 0, o = 0; pl < planes; pl++) {
            for (int oy = 0; oy < ho; oy++, o += wo) {
                int top = (pl * h + 2 * oy) * w;
                if (!vectorsFit(top, w, o, strips, x.length, out.length)) {
                    for (int ox = 0; ox < wo; ox++) out[o + ox] = x[PoolKernels.argMax2x2(x, top + 2 * ox, w)];
                    continue;
                }
                for (int ox0 = 0; ox0 < wo; ox0 += L) forwardStrip(x, top + 2 * ox0, w, out, o + ox0, wo - ox0);
            }
        }
    }

    /**
     * {@code dx} = each window's gradient {@code g} at the window's winner in {@code x}, zero elsewhere (including
     * the last row or column a window never covers when {@code h} or {@code w} is odd).
     */
    static void backward(float[] x, float[] g, int planes, int h, int w, float[] dx) {
        int ho = h / 2, wo = w / 2;
        if (h % 2 != 0 || w % 2 != 0) Arrays.fill(dx, 0, planes * h * w, 0f);
        int strips = (wo + L - 1) / L;
        for (int pl = 0, o = 0; pl < planes; pl++) {
            for (int oy = 0; oy < ho; oy++, o += wo) {
                int top = (pl * h + 2 * oy) * w;
                if (!vectorsFit(top, w, o, strips, Math.min(x.length, dx.length), g.length)) {
                    for (int ox = 0, at = top; ox < wo; ox++, at += 2) {
                        dx[at] = dx[at + 1] = dx[at + w] = dx[at + w + 1] = 0f;
                        dx[PoolKernels.argMax2x2(x, at, w)] += g[o + ox];
                    }
                    continue;
                }
                for (int ox0 = 0; ox0 < wo; ox0 += L) backwardStrip(x, g, top + 2 * ox0, w, dx, o + ox0, wo - ox0);
            }
        }
    }

    /**
     * Whether the whole vectors of a row pair's strips, from {@code top} in the input and {@code o} in the output,
     * lie inside arrays of those lengths: a masked access reaching past an array's end ran the Vector API's scalar
     * fallback, and the few rows at the end of the arrays take the scalar path instead.
     */
    private static boolean vectorsFit(int top, int w, int o, int strips, int inputLength, int outputLength) {
        return top + w + 2 * L * strips <= inputLength && o + L * strips <= outputLength;
    }

    /** Up to {@code L} windows whose top-left element is {@code x[at]}, {@code outputs} of them valid. */
    private static void forwardStrip(float[] x, int at, int w, float[] out, int o, int outputs) {
        FloatVector even = FloatVector.fromArray(S, TABLES, EVEN), odd = FloatVector.fromArray(S, TABLES, ODD);
        VectorMask<Float> first = S.indexInRange(0, 2 * outputs), second = S.indexInRange(L, 2 * outputs);
        FloatVector t0 = FloatVector.fromArray(S, x, at, first), t1 = FloatVector.fromArray(S, x, at + L, second);
        FloatVector b0 = FloatVector.fromArray(S, x, at + w, first), b1 = FloatVector.fromArray(S, x, at + w + L, second);
        FloatVector a = even.selectFrom(t0, t1), b = odd.selectFrom(t0, t1);
        FloatVector c = even.selectFrom(b0, b1), d = odd.selectFrom(b0, b1);
        FloatVector top = a.blend(b, replaces(b, a)), bottom = c.blend(d, replaces(d, c));
        top.blend(bottom, replaces(bottom, top)).intoArray(out, o, S.indexInRange(0, outputs));
    }

    /** The gradient of {@link #forwardStrip}'s windows, written over both rows of {@code dx}. */
    private static void backwardStrip(float[] x, float[] g, int at, int w, float[] dx, int o, int outputs) {
        FloatVector even = FloatVector.fromArray(S, TABLES, EVEN), odd = FloatVector.fromArray(S, TABLES, ODD);
        VectorMask<Float> first = S.indexInRange(0, 2 * outputs), second = S.indexInRange(L, 2 * outputs);
        FloatVector t0 = FloatVector.fromArray(S, x, at, first), t1 = FloatVector.fromArray(S, x, at + L, second);
        FloatVector b0 = FloatVector.fromArray(S, x, at + w, first), b1 = FloatVector.fromArray(S, x, at + w + L, second);
        FloatVector a = even.selectFrom(t0, t1), b = odd.selectFrom(t0, t1);
        FloatVector c = even.selectFrom(b0, b1), d = odd.selectFrom(b0, b1);
        VectorMask<Float> right = replaces(b, a), rightBelow = replaces(d, c);
        VectorMask<Float> below = replaces(c.blend(d, rightBelow), a.blend(b, right));
        spread(g, o, outputs, right.toLong(), below.not().toLong(), dx, at);
        spread(g, o, outputs, rightBelow.toLong(), below.toLong(), dx, at + w);
    }

    /**
     * One row of a strip's gradient: each window's {@code g} to its left element where lane bit {@code row} is set
     * and {@code right} is not, to its right element where both are, interleaved into {@code dx[at..at+2·outputs)}.
     * Apart from {@link #backwardStrip}, which C1 could not compile in one piece; the masks cross as bits, since a
     * vector or mask passed to a method C2 does not inline is boxed.
     */
    private static void spread(float[] g, int o, int outputs, long right, long row, float[] dx, int at) {
        // 0 + g, as the scalar path adds each gradient into a cleared dx: a -0 gradient lands as +0
        FloatVector grad = FloatVector.fromArray(S, g, o, S.indexInRange(0, outputs)).add(0f), zero = FloatVector.zero(S);
        VectorMask<Float> r = VectorMask.fromLong(S, right), inRow = VectorMask.fromLong(S, row);
        FloatVector left = zero.blend(grad, inRow.andNot(r)), rightGrad = zero.blend(grad, inRow.and(r));
        FloatVector low = FloatVector.fromArray(S, TABLES, LOW), high = FloatVector.fromArray(S, TABLES, HIGH);
        low.selectFrom(left, rightGrad).intoArray(dx, at, S.indexInRange(0, 2 * outputs));
        high.selectFrom(left, rightGrad).intoArray(dx, at + L, S.indexInRange(L, 2 * outputs));
    }

    /**
     * Lanes where {@code later} takes the place of {@code best}, the winner so far of elements before it: when
     * {@code best} is not NaN and {@code later} is larger or NaN.
     */
    private static VectorMask<Float> replaces(FloatVector later, FloatVector best) {
        return best.compare(VectorOperators.EQ, best).andNot(later.compare(VectorOperators.LE, best));
    }
}
