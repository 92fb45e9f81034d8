package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jitgrad.ops.Broadcast;
import org.jitgrad.tensor.Shape;

/**
 * Reductions over one axis and their backward broadcasts. A tensor reduced over an axis is viewed as
 * {@code [outer, len, inner]}: the axis has length {@code len}, {@code inner} is the product of the
 * dimensions after it. The output is {@code [outer, inner]}.
 */
public final class ReduceKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private ReduceKernels() {}

    /** Sum of {@code x[0..n)}. */
    public static float sum(float[] x, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int up = S.loopBound(n); i < up; i += L) acc = acc.add(FloatVector.fromArray(S, x, i));
        float s = LaneSum.tree(acc);
        for (; i < n; i++) s += x[i];
        return s;
    }

    /** {@code out[o,i] = Σ_l x[o,l,i]}. With {@code outer = 1} this is the column sum a bias gradient needs. */
    public static void sumAxis(float[] x, int outer, int len, int inner, float[] out) {
        for (int o = 0; o < outer; o++) {
            int base = o * len * inner;
            if (inner == 1) {
                out[o] = sum(x, base, len);
                continue;
            }
            int ob = o * inner;
            System.arraycopy(x, base, out, ob, inner);
            for (int l = 1; l < len; l++) BinaryKernels.addVV(out, ob, x, base + l * inner, out, ob, inner);
        }
    }

    /** {@code out[o,i] = max_l x[o,l,i]} ({@code len >= 1}). */
    public static void maxAxis(float[] x, int outer, int len, int inner, float[] out) {
        for (int o = 0; o < outer; o++) {
            int base = o * len * inner;
            if (inner == 1) {
                out[o] = maxRow(x, base, len);
                continue;
            }
            int ob = o * inner;
            System.arraycopy(x, base, out, ob, inner);
            for (int l = 1; l < len; l++) BinaryKernels.maxVV(out, ob, x, base + l * inner, out, ob, inner);
        }
    }

    /** Maximum of {@code x[off..off+n)}, {@code n >= 1}. */
    public static float maxRow(float[] x, int off, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector acc = FloatVector.fromArray(S, x, off);
            for (i = L; i <= n - L; i += L) acc = acc.max(FloatVector.fromArray(S, x, off + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    /**
     * Routes {@code g[o,i]} to the position of the maximum along the axis and zero elsewhere.
     * On ties the first (lowest index) maximum gets the whole gradient.
     */
    public static void maxAxisGrad(float[] x, float[] g, int outer, int len, int inner, float[] out) {
        java.util.Arrays.fill(out, 0, outer * len * inner, 0f);
        for (int o = 0; o < outer; o++) {
            int base = o * len * inner;
            for (int i = 0; i < inner; i++) {
                int best = 0;
                float bestValue = x[base + i];
                for (int l = 1; l < len; l++) {
                    float v = x[base + l * inner + i];
                    if (v > bestValue) {
                        bestValue = v;
                        best = l;
                    }
                }
                out[base + best * inner + i] = g[o * inner + i];
            }
        }
    }

    /** {@code out[o,l,i] = g[o,i]}: broadcasts a reduced tensor back along the axis. */
    public static void expandAxis(float[] g, int outer, int len, int inner, float[] out) {
        for (int o = 0; o < outer; o++) {
            int base = o * len * inner;
            if (inner == 1) {
                java.util.Arrays.fill(out, base, base + len, g[o]);
                continue;
            }
            for (int l = 0; l < len; l++) System.arraycopy(g, o * inner, out, base + l * inner, inner);
        }
    }

    /** Sum of {@code x[off..off+n)}. */
    public static float sum(float[] x, int off, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int up = S.loopBound(n); i < up; i += L) acc = acc.add(FloatVector.fromArray(S, x, off + i));
        float s = LaneSum.tree(acc);
        for (; i < n; i++) s += x[off + i];
        return s;
    }

    /**
     * Sums {@code x} of shape {@code xShape} into {@code out} of shape {@code outShape}, a shape that
     * broadcasts to {@code xShape}: undoes a broadcast.
     */
    public static void sumTo(float[] x, Shape xShape, float[] out, Shape outShape) {
        java.util.Arrays.fill(out, 0, outShape.size(), 0f);
        int o0 = Broadcast.stride(outShape, xShape, 0), o1 = Broadcast.stride(outShape, xShape, 1);
        int o2 = Broadcast.stride(outShape, xShape, 2);
        boolean span3 = Broadcast.stride(outShape, xShape, 3) != 0;
        int span = xShape.paddedDim(3), i = 0;
        for (int i0 = 0; i0 < xShape.paddedDim(0); i0++) {
            for (int i1 = 0; i1 < xShape.paddedDim(1); i1++) {
                for (int i2 = 0; i2 < xShape.paddedDim(2); i2++, i += span) {
                    int o = i0 * o0 + i1 * o1 + i2 * o2;
                    if (span3) BinaryKernels.addVV(out, o, x, i, out, o, span);
                    else out[o] += sum(x, i, span);
                }
            }
        }
    }
}
