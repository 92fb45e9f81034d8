package org.jitgrad.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two passes of gradient clipping by total norm: the sum of squares of a gradient, accumulated in
 * double, and scaling a gradient in place. Used by the tape's {@code GradClip.clipGradNorm} and by the
 * compiler's fused clipping, so both engines clip identically.
 */
public final class GradNormKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    /**
     * Floats as many as {@link #D}'s lanes, so that each widens with a plain part-0 conversion. Widening a whole
     * {@link #F} vector's upper part ({@code convertShape(F2D, D, 1)}) goes through a slice and an iota shuffle
     * 17 calls deep in the JDK: inlined into a generated step, that passed C2's inlining depth and the step
     * allocated on every call.
     */
    private static final VectorSpecies<Float> HALF = VectorSpecies.of(float.class,
            VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int HL = HALF.length();

    private GradNormKernels() {}

    /**
     * {@code Σ g[i]²} over {@code [0, n)}, each square and sum in double: no overflow for any finite
     * float and no loss of small terms next to large ones (a float sum over millions of elements would
     * lose several digits). Lanes are combined in a fixed order, so the result does not depend on the
     * JIT tier.
     */
    public static double sumOfSquares(float[] g, int n) {
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += FL) {
            for (int h = i; h < i + FL; h += HL) {
                DoubleVector d = (DoubleVector) FloatVector.fromArray(HALF, g, h).convertShape(VectorOperators.F2D, D, 0);
                acc = d.fma(d, acc);
            }
        }
        double sum = 0;
        for (int l = 0; l < D.length(); l++) sum += acc.lane(l);
        for (; i < n; i++) {
            double x = g[i];
            sum = Math.fma(x, x, sum);
        }
        return sum;
    }

    /**
     * {@code acc[i] = (acc[i] + other[i]) * scale} over {@code [0, n)}, returning {@link #sumOfSquares}
     * of the result, in one pass: the last step of averaging data-parallel shards' gradients.
     */
    public static double addScaleSumOfSquares(float[] acc, float[] other, float scale, int n) {
        DoubleVector sq = DoubleVector.zero(D);
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += FL) {
            for (int h = i; h < i + FL; h += HL) {
                FloatVector v = FloatVector.fromArray(HALF, acc, h).add(FloatVector.fromArray(HALF, other, h)).mul(scale);
                v.intoArray(acc, h);
                DoubleVector d = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
                sq = d.fma(d, sq);
            }
        }
        double sum = 0;
        for (int l = 0; l < D.length(); l++) sum += sq.lane(l);
        for (; i < n; i++) {
            acc[i] = (acc[i] + other[i]) * scale;
            double x = acc[i];
            sum = Math.fma(x, x, sum);
        }
        return sum;
    }

    /** {@code g[i] *= factor} over {@code [0, n)}; returns at once when {@code factor} is exactly 1. */
    public static void scale(float[] g, int n, float factor) {
        if (factor == 1f) return;
        int i = 0;
        for (int up = F.loopBound(n); i < up; i += FL) {
            FloatVector.fromArray(F, g, i).mul(factor).intoArray(g, i);
        }
        for (; i < n; i++) g[i] *= factor;
    }
}
