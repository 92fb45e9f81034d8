package org.jitgrad.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jitgrad.kernels.UnaryKernels;
import org.jitgrad.kernels.VectorLanes;
import org.junit.jupiter.api.Test;

/** The tape's erf kernel against the lane rule the compiler's loops use: the same bits, and erf's known values. */
class UnaryOpTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void erfKernelGivesTheLaneRulesBits() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] special = {0f, -0f, 0.5f, -0.5f, Math.nextDown(0.5f), Math.nextUp(-0.5f), 1e-30f, -1e-30f, 3f, -3f,
                10f, -10f, 1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN};
        int n = 5 * S.length() + 3 + special.length;   // whole vectors and a tail
        float[] x = new float[n];
        for (int i = 0; i < n - special.length; i++) x[i] = (float) rnd.nextGaussian() * 2f;
        System.arraycopy(special, 0, x, n - special.length, special.length);
        float[] kernel = new float[n];
        UnaryKernels.erf(x, kernel, n);
        float[] rule = new float[n + S.length()];
        float[] padded = java.util.Arrays.copyOf(x, n + S.length());
        for (int i = 0; i < n; i += S.length()) {
            UnaryOp.erf(VectorLanes.INSTANCE, FloatVector.fromArray(S, padded, i)).intoArray(rule, i);
        }
        for (int i = 0; i < n; i++) {
            String at = "erf(" + x[i] + "): lane rule " + rule[i] + ", kernel " + kernel[i];
            if (Float.isNaN(rule[i])) {
                // a NaN's sign bit depends on which instruction made it, and so on the JIT tier: only NaN-ness is fixed
                assertTrue(Float.isNaN(kernel[i]), at);
            } else {
                assertEquals(Float.floatToRawIntBits(rule[i]), Float.floatToRawIntBits(kernel[i]), at);
            }
        }
    }

    @Test
    void erfKnownValues() {
        float[] x = {0f, 0.5f, 1f, -1f, 2f, 3f};
        double[] expected = {0, 0.5204998778, 0.8427007929, -0.8427007929, 0.9953222650, 0.9999779095};
        float[] y = new float[x.length];
        UnaryOp.ERF.forward(OpParams.NONE, new org.jitgrad.tensor.Shape[] {org.jitgrad.tensor.Shape.of(x.length)},
                new float[][] {x}, org.jitgrad.tensor.Shape.of(x.length), y);
        for (int i = 0; i < x.length; i++) {
            assertTrue(Math.abs(y[i] - expected[i]) <= 3e-7, "erf(" + x[i] + ") = " + y[i] + ", expected " + expected[i]);
        }
    }
}
