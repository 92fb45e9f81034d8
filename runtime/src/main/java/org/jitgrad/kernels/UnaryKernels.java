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

    /** {@code 2/√π}, the scale of erf's derivative. */
    public static final float TWO_OVER_SQRT_PI = (float) (2 / Math.sqrt(Math.PI));
    /** {@code 1/√2}: GELU's {@code Φ(x) = (1 + erf(x/√2))/2}. */
    public static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    /** {@code 1/√(2π)}: the standard normal density's scale, in GELU's derivative. */
    public static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    /** erf's rational form {@code x·P(x²)/Q(x²)} ({@code UnaryOp.erf}): P's coefficients, constant term first. */
    public static final float ERF_P0 = 1.1283791f, ERF_P1 = 0.19040047f, ERF_P2 = 0.052747592f, ERF_P3 = 0.0037652703f,
            ERF_P4 = 0.00028486026f, ERF_P5 = 2.0499424e-06f;
    /** Q's coefficients, constant term first. */
    public static final float ERF_Q0 = 1.0f, ERF_Q1 = 0.5020708f, ERF_Q2 = 0.11410633f, ERF_Q3 = 0.014968529f,
            ERF_Q4 = 0.0011624243f, ERF_Q5 = 3.808903e-05f;
    /** Where x is clamped: erf(3.92) is within 2e-8 of 1. */
    public static final float ERF_CLAMP = 3.92f;

    /**
     * {@code y = erf(x)}, by {@link #erf(FloatVector)}: the operations of {@code UnaryOp.erf}'s lane rule in the same
     * order ({@code UnaryOpTest} checks that the two agree bit for bit).
     */
    public static void erf(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            erf(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    /**
     * erf of each lane: {@code UnaryOp.erf}'s lane rule written out for the kernels (GELU's too). Multiplies and adds
     * rounded apart, as the rule's, not fused: {@code FloatVector.fma} in the compiler's generated loops made the GPT
     * step 2.1 ms slower (benchmarks/GEMM_RESULTS.md, 2026-12-07 05:5x).
     */
    static FloatVector erf(FloatVector x) {
        FloatVector xc = clamp(x, ERF_CLAMP);
        FloatVector z = xc.mul(xc);
        FloatVector num = FloatVector.broadcast(S, ERF_P5).mul(z).add(ERF_P4);
        num = num.mul(z).add(ERF_P3);
        num = num.mul(z).add(ERF_P2);
        num = num.mul(z).add(ERF_P1);
        num = num.mul(z).add(ERF_P0);
        FloatVector den = FloatVector.broadcast(S, ERF_Q5).mul(z).add(ERF_Q4);
        den = den.mul(z).add(ERF_Q3);
        den = den.mul(z).add(ERF_Q2);
        den = den.mul(z).add(ERF_Q1);
        den = den.mul(z).add(ERF_Q0);
        return xc.mul(num).div(den);
    }

    /** {@code y = gelu(x) = x·(1 + erf(x/√2))/2}: {@code UnaryOp.GELU}'s lane rule, in the same order. */
    public static void gelu(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, i, m);
            v.mul(erf(v.mul(INV_SQRT2)).add(1f)).mul(0.5f).intoArray(y, i, m);
        }
    }

    /**
     * Each lane of {@code x} limited to {@code [-c, c]}, by the lane rules' {@code select} ({@code VectorLanes}):
     * compare and blend. The same values as {@code min} and {@code max} (NaN stays NaN, -0 stays -0), which C2 expands
     * into several instructions each to keep Java's NaN and signed-zero rules: with them, the clamps took about 40%
     * of erf's and tanh's time (probe medians in benchmarks/RESULTS.md, 2026-12-07 15:xx).
     */
    static FloatVector clamp(FloatVector x, float c) {
        FloatVector hi = FloatVector.broadcast(S, c), lo = FloatVector.broadcast(S, -c);
        FloatVector below = x.blend(hi, x.compare(VectorOperators.GT, hi));
        return below.blend(lo, below.compare(VectorOperators.LT, lo));
    }

    /** tanh's rational form {@code x·P(x²)/Q(x²)} ({@code UnaryOp.tanh}): P's coefficients, constant term first. */
    public static final float TANH_P0 = 1.0f, TANH_P1 = 0.13381061f, TANH_P2 = 0.0034956292f, TANH_P3 = 2.0609741e-05f,
            TANH_P4 = 1.3355539e-08f;
    /** Q's coefficients, constant term first. */
    public static final float TANH_Q0 = 1.0f, TANH_Q1 = 0.46714377f, TANH_Q2 = 0.025877140f, TANH_Q3 = 0.00032857014f,
            TANH_Q4 = 7.7769249e-07f;
    /** Where x is clamped: tanh(9) is within 3e-8 of 1. */
    public static final float TANH_CLAMP = 9f;

    /**
     * {@code y = tanh(x)}, by {@link #tanh(FloatVector)}: the operations of {@code UnaryOp.tanh}'s lane rule in the
     * same order ({@code UnaryOpTest} checks that the two agree bit for bit).
     */
    public static void tanh(float[] x, float[] y, int n) {
        // one masked loop, as erf's: one inlined copy of the form (see GemmBiasActivation's tanh epilogue)
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            tanh(FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    /**
     * tanh of each lane: {@code UnaryOp.tanh}'s lane rule written out for the kernels and the GEMM's epilogue.
     * Multiplies and adds rounded apart, as in {@link #erf(FloatVector)}.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector xc = clamp(x, TANH_CLAMP);
        FloatVector z = xc.mul(xc);
        FloatVector num = FloatVector.broadcast(S, TANH_P4).mul(z).add(TANH_P3);
        num = num.mul(z).add(TANH_P2);
        num = num.mul(z).add(TANH_P1);
        num = num.mul(z).add(TANH_P0);
        FloatVector den = FloatVector.broadcast(S, TANH_Q4).mul(z).add(TANH_Q3);
        den = den.mul(z).add(TANH_Q2);
        den = den.mul(z).add(TANH_Q1);
        den = den.mul(z).add(TANH_Q0);
        return clamp(xc.mul(num).div(den), 1f);
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
