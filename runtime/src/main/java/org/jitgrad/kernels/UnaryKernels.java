package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise one-input kernels on the Vector API: {@code y[i] = f(x[i])} for {@code i < n}.
 * {@code x} and {@code y} may be the same array. Static, allocation-free, one small loop each.
 */
public final class UnaryKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private UnaryKernels() {}

    /** {@code y = -x}. */
    public static void neg(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, x, i).neg().intoArray(y, i);
        for (; i < n; i++) y[i] = -x[i];
    }

    /** {@code y = c * x}. */
    public static void scale(float[] x, float c, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, x, i).mul(c).intoArray(y, i);
        for (; i < n; i++) y[i] = c * x[i];
    }

    /** {@code y = exp(x)}. */
    public static void exp(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = (float) Math.exp(x[i]);
    }

    /** {@code y = ln(x)}. */
    public static void log(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.LOG).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = (float) Math.log(x[i]);
    }

    /** {@code y = sqrt(x)}. */
    public static void sqrt(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, x, i).sqrt().intoArray(y, i);
        for (; i < n; i++) y[i] = (float) Math.sqrt(x[i]);
    }

    /** {@code y = tanh(x)}. */
    public static void tanh(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = (float) Math.tanh(x[i]);
    }

    /** {@code y = 1 / (1 + exp(-x))}. */
    public static void sigmoid(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector e = FloatVector.fromArray(S, x, i).neg().lanewise(VectorOperators.EXP);
            FloatVector.broadcast(S, 1f).div(e.add(1f)).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
    }

    /** {@code y = max(x, 0)}. */
    public static void relu(float[] x, float[] y, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        for (; i < n; i++) y[i] = Math.max(x[i], 0f);
    }

    /** {@code y = x^p}; {@code p == 2} is a multiply, as exact as the scalar form. */
    public static void pow(float[] x, float p, float[] y, int n) {
        int i = 0;
        if (p == 2f) {
            for (int up = S.loopBound(n); i < up; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                v.mul(v).intoArray(y, i);
            }
            for (; i < n; i++) y[i] = x[i] * x[i];
            return;
        }
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, x, i).lanewise(VectorOperators.POW, p).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = (float) Math.pow(x[i], p);
    }
}
