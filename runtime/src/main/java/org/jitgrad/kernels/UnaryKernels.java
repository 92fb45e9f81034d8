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

    /** {@code 2/√π}, erf's scale (its series here, its derivative in {@code UnaryOp}). */
    public static final float TWO_OVER_SQRT_PI = (float) (2 / Math.sqrt(Math.PI));

    /**
     * {@code y = erf(x)}: the operations of {@code UnaryOp.erf}'s lane rule, in the same order, written out in one
     * loop. The rule itself, reached through a lambda and {@code VectorLanes}, is too large for C2 to inline (434
     * bytes of bytecode), and the tape then boxed every vector: 4.7 MB and 876-1,065 us for a 768x512 tensor; this loop
     * allocates nothing and took 365 us (exp 123 us; probe medians, 2026-12-06). {@code UnaryOpTest} checks that the
     * two agree bit for bit.
     */
    public static void erf(float[] x, float[] y, int n) {
        int i = 0;
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, i, m);
            FloatVector ax = v.abs();
            FloatVector x2 = v.mul(v);
            FloatVector series = FloatVector.broadcast(S, -1f / 1320);
            series = series.mul(x2).add(1f / 216);
            series = series.mul(x2).add(-1f / 42);
            series = series.mul(x2).add(1f / 10);
            series = series.mul(x2).add(-1f / 3);
            series = series.mul(x2).add(1f);
            series = series.mul(v).mul(TWO_OVER_SQRT_PI);
            FloatVector t = FloatVector.broadcast(S, 1f).div(ax.mul(0.3275911f).add(1f));
            FloatVector poly = FloatVector.broadcast(S, 1.061405429f);
            poly = poly.mul(t).add(-1.453152027f);
            poly = poly.mul(t).add(1.421413741f);
            poly = poly.mul(t).add(-0.284496736f);
            poly = poly.mul(t).add(0.254829592f);
            poly = poly.mul(t);
            FloatVector tail = FloatVector.broadcast(S, 1f).sub(poly.mul(x2.neg().lanewise(VectorOperators.EXP)));
            FloatVector signed = tail.blend(tail.neg(), v.compare(VectorOperators.LT, 0f));
            signed.blend(series, ax.compare(VectorOperators.LT, 0.5f)).intoArray(y, i, m);
        }
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

    /**
     * {@code y = x^p}. The exponents layer norm and its gradient use are arithmetic, not the Vector API's
     * POW (a slow library call): 2 is {@code x·x}, 0.5 is {@code √x}, -0.5 is {@code 1/√x}, -1 is {@code 1/x},
     * -1.5 is {@code 1/(x·√x)}. {@code UnaryOp.POW}'s lane rule uses the same forms.
     */
    public static void pow(float[] x, float p, float[] y, int n) {
        int form = powForm(p);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) powOf(FloatVector.fromArray(S, x, i), p, form).intoArray(y, i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            powOf(FloatVector.fromArray(S, x, i, m), p, form).intoArray(y, i, m);
        }
    }

    /** Which arithmetic form computes {@code x^p}: 0 the general POW, 1 to 5 the special exponents above. */
    public static int powForm(float p) {
        if (p == 2f) return 1;
        if (p == 0.5f) return 2;
        if (p == -0.5f) return 3;
        if (p == -1f) return 4;
        if (p == -1.5f) return 5;
        return 0;
    }

    private static FloatVector powOf(FloatVector v, float p, int form) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return switch (form) {
            case 1 -> v.mul(v);
            case 2 -> v.sqrt();
            case 3 -> one.div(v.sqrt());
            case 4 -> one.div(v);
            case 5 -> one.div(v.mul(v.sqrt()));
            default -> v.lanewise(VectorOperators.POW, p);
        };
    }
}
