package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Backward forms of the activations, {@code out[i] = g[i] * f'(x[i])}: written in terms of the forward output
 * {@code y} where the derivative allows, so that the input need not be kept; GELU's in terms of its input.
 */
public final class GradKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private GradKernels() {}

    /** {@code out = g * (1 - y²)} where {@code y = tanh(x)}. */
    public static void tanhGrad(float[] g, float[] y, float[] out, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector.fromArray(S, g, i).mul(yv.mul(yv).neg().add(1f)).intoArray(out, i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector yv = FloatVector.fromArray(S, y, i, m);
            FloatVector.fromArray(S, g, i, m).mul(yv.mul(yv).neg().add(1f)).intoArray(out, i, m);
        }
    }

    /** {@code out = g * y * (1 - y)} where {@code y = sigmoid(x)}. */
    public static void sigmoidGrad(float[] g, float[] y, float[] out, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector.fromArray(S, g, i).mul(yv).mul(yv.neg().add(1f)).intoArray(out, i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector yv = FloatVector.fromArray(S, y, i, m);
            FloatVector.fromArray(S, g, i, m).mul(yv).mul(yv.neg().add(1f)).intoArray(out, i, m);
        }
    }

    /** {@code out = y > 0 ? g : 0} where {@code y = relu(x)}. */
    public static void reluGrad(float[] g, float[] y, float[] out, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            zero.blend(FloatVector.fromArray(S, g, i), yv.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector yv = FloatVector.fromArray(S, y, i, m);
            zero.blend(FloatVector.fromArray(S, g, i, m), yv.compare(VectorOperators.GT, 0f)).intoArray(out, i, m);
        }
    }

    /**
     * {@code out = g·gelu'(x) = g·(Φ(x) + x·φ(x))}, {@code Φ(x) = (1 + erf(x/√2))/2}, {@code φ(x) = exp(-x²/2)/√(2π)}:
     * {@code GradOp.GELU_GRAD}'s lane rule, in the same order.
     */
    public static void geluGrad(float[] g, float[] x, float[] out, int n) {
        UnaryKernels.erfLoop(UnaryKernels.ErfUse.GELU_GRAD, x, g, out, n);
    }
}
