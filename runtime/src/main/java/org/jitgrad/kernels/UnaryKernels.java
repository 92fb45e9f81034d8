package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise one-input kernels on the Vector API: {@code y[i] = f(x[i])} for {@code i < n}.
 * {@code x} and {@code y} may be the same array. Static, allocation-free, one small loop each; the
 * tail is one masked vector step, so every element goes through the same vector formula (the
 * compiler's generated loops use the same formulas and agree bit for bit).
 */
public final class UnaryKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private UnaryKernels() {}

    /** {@code y = -x}. */
    public static void neg(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, x, i).neg().intoArray(y, i);
        if (i < n) { VectorMask<Float> m = S.indexInRange(i, n); FloatVector.fromArray(S, x, i, m).neg().intoArray(y, i, m); }
    }

    /** {@code y = c * x}. */
    public static void scale(float[] x, float c, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, x, i).mul(c).intoArray(y, i);
        if (i < n) { VectorMask<Float> m = S.indexInRange(i, n); FloatVector.fromArray(S, x, i, m).mul(c).intoArray(y, i, m); }
    }

    /** {@code y = exp(x)}. */
    public static void exp(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
        if (i < n) { VectorMask<Float> m = S.indexInRange(i, n); FloatVector.fromArray(S, x, i, m).lanewise(VectorOperators.EXP).intoArray(y, i, m); }
    }

    /** {@code y = ln(x)}. */
    public static void log(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.LOG).intoArray(y, i);
        }
        if (i < n) { VectorMask<Float> m = S.indexInRange(i, n); FloatVector.fromArray(S, x, i, m).lanewise(VectorOperators.LOG).intoArray(y, i, m); }
    }

    /** {@code y = sqrt(x)}. */
    public static void sqrt(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, x, i).sqrt().intoArray(y, i);
        if (i < n) { VectorMask<Float> m = S.indexInRange(i, n); FloatVector.fromArray(S, x, i, m).sqrt().intoArray(y, i, m); }
    }

    /** {@code y = tanh(x)}. */
    public static void tanh(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
        }
        if (i < n) { VectorMask<Float> m = S.indexInRange(i, n); FloatVector.fromArray(S, x, i, m).lanewise(VectorOperators.TANH).intoArray(y, i, m); }
    }

    /** {@code y = 1 / (1 + exp(-x))}. */
    public static void sigmoid(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            sigmoid(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
        if (i < n) { VectorMask<Float> m = S.indexInRange(i, n); sigmoid(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m); }
    }

    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    /** {@code y = max(x, 0)}. */
    public static void relu(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        if (i < n) { VectorMask<Float> m = S.indexInRange(i, n); FloatVector.fromArray(S, x, i, m).max(0f).intoArray(y, i, m); }
    }

    /** {@code y = x^p}; {@code p == 2} is a multiply, as exact as the scalar form. */
    public static void pow(float[] x, float p, float[] y, int n) {
        int i = 0;
        if (p == 2f) {
            for (int up = S.loopBound(n); i < up; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                v.mul(v).intoArray(y, i);
            }
            if (i < n) { VectorMask<Float> m = S.indexInRange(i, n); FloatVector v = FloatVector.fromArray(S, x, i, m); v.mul(v).intoArray(y, i, m); }
            return;
        }
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.POW, p).intoArray(y, i);
        }
        if (i < n) { VectorMask<Float> m = S.indexInRange(i, n); FloatVector.fromArray(S, x, i, m).lanewise(VectorOperators.POW, p).intoArray(y, i, m); }
    }
}
