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

    /** {@code y = erf(x)}: {@code UnaryOp.erf}'s lane rule ({@link #erfLoop}). */
    public static void erf(float[] x, float[] y, int n) {
        erfLoop(ErfUse.ERF, x, null, y, n);
    }

    /** {@code y = gelu(x) = x·(1 + erf(x/√2))/2}: {@code UnaryOp.GELU}'s lane rule ({@link #erfLoop}). */
    public static void gelu(float[] x, float[] y, int n) {
        erfLoop(ErfUse.GELU, x, null, y, n);
    }

    /** What {@link #erfLoop} writes. */
    enum ErfUse {
        /** {@code erf(x)}. */
        ERF,
        /** {@code gelu(x) = x·(1 + erf(x/√2))/2}. */
        GELU,
        /** {@code g·gelu'(x) = g·(Φ(x) + x·φ(x))}, {@code Φ(x) = (1 + erf(x/√2))/2}, {@code φ(x) = exp(-x²/2)/√(2π)}. */
        GELU_GRAD
    }

    /**
     * The kernels that evaluate erf (erf, GELU, GELU's gradient): the operations of the lane rules
     * ({@code UnaryOp.erf}, {@code UnaryOp.GELU}, {@code GradOp.GELU_GRAD}) in the same order ({@code UnaryOpTest}
     * checks that they agree bit for bit), with erf's form written out once, in this loop: C2 did not always inline a
     * helper taking the vector into the kernels' loops (a call in a loop of a few iterations is not "hot" enough for a
     * method of its size) and then boxed every vector (12 KB per 1,024 floats). Multiplies and adds rounded apart, as
     * the rules': {@code FloatVector.fma} in the compiler's generated loops made the GPT step 2.1 ms slower on the Xeon
     * host (benchmarks/GEMM_RESULTS.md, 2026-12-07 05:5x; on Zen 5 0.14-0.38 ms faster, RESULTS.md 2026-12-07 17:14).
     * The clamp compares and blends, as tanh's; only the last partial vector is masked, as in {@link #tanhRows}.
     *
     * @param g the upstream gradient for {@link ErfUse#GELU_GRAD}, else unused
     */
    static void erfLoop(ErfUse use, float[] x, float[] g, float[] y, int n) {
        boolean scaled = use != ErfUse.ERF, gradient = use == ErfUse.GELU_GRAD;
        FloatVector hi = FloatVector.broadcast(S, ERF_CLAMP), lo = FloatVector.broadcast(S, -ERF_CLAMP);
        VectorMask<Float> m = S.indexInRange(n - n % L, n);
        for (int i = 0; i < n; i += L) {
            boolean whole = i + L <= n;
            FloatVector v = whole ? FloatVector.fromArray(S, x, i) : FloatVector.fromArray(S, x, i, m);
            FloatVector u = scaled ? v.mul(INV_SQRT2) : v;
            FloatVector xc = u.blend(hi, u.compare(VectorOperators.GT, hi));
            xc = xc.blend(lo, xc.compare(VectorOperators.LT, lo));
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
            FloatVector erf = xc.mul(num).div(den);
            FloatVector out;
            if (!scaled) {
                out = erf;
            } else if (!gradient) {
                out = v.mul(erf.add(1f)).mul(0.5f);
            } else {
                FloatVector cdf = erf.add(1f).mul(0.5f);
                FloatVector pdf = u.mul(u).neg().lanewise(VectorOperators.EXP).mul(INV_SQRT_2PI);
                FloatVector gv = whole ? FloatVector.fromArray(S, g, i) : FloatVector.fromArray(S, g, i, m);
                out = gv.mul(cdf.add(v.mul(pdf)));
            }
            if (whole) {
                out.intoArray(y, i);
            } else {
                out.intoArray(y, i, m);
            }
        }
    }

    /** tanh's rational form {@code x·P(x²)/Q(x²)} ({@code UnaryOp.tanh}): P's coefficients, constant term first. */
    public static final float TANH_P0 = 1.0f, TANH_P1 = 0.13381061f, TANH_P2 = 0.0034956292f, TANH_P3 = 2.0609741e-05f,
            TANH_P4 = 1.3355539e-08f;
    /** Q's coefficients, constant term first. */
    public static final float TANH_Q0 = 1.0f, TANH_Q1 = 0.46714377f, TANH_Q2 = 0.025877140f, TANH_Q3 = 0.00032857014f,
            TANH_Q4 = 7.7769249e-07f;
    /** Where x is clamped: tanh(9) is within 3e-8 of 1. */
    public static final float TANH_CLAMP = 9f;

    /** {@code y = tanh(x)}, by {@link #tanhRows}. */
    public static void tanh(float[] x, float[] y, int n) {
        tanhRows(x, 0, n, null, 0, y, 0, n, 1, n);
    }

    /**
     * {@code y[yOff+r*ldy+i] = tanh(x[xOff+r*ldx+i] + bias[biasOff+i])} for {@code r < rows}, {@code i < n}, without
     * the add when {@code bias} is null: the GEMM's tanh epilogue passes a block of C and the bias, one call a block (a
     * call a row of 64 floats made deep's step about 20 µs slower, benchmarks/RESULTS.md 2026-12-07 17:14). The
     * operations of {@code UnaryOp.tanh}'s lane rule in the same order ({@code UnaryOpTest} checks that the two agree
     * bit for bit), written out in the loop: C2 did not always inline a helper taking the vector (a call in a loop of a
     * few iterations is not "hot" enough for a method of its size), and then boxed every vector (12 KB per 1,024 floats
     * in ElementwiseBenchmark). The clamps compare and blend: the same values as {@code min} and {@code max} (NaN stays
     * NaN, -0 stays -0), which C2 expands into several instructions each to keep Java's NaN and signed-zero rules. P
     * and Q by fused multiply-adds, as the rule's. The form is in the code once (a second copy for a tail passed C2's
     * node-count cutoff in the GEMM's epilogue); only a row's last partial vector loads and stores under a mask:
     * masking every vector's loads and stores made the 32x64 epilogue a third slower on Zen 5. The mask is made once,
     * before the loops (a mask that is null on the whole vectors' path was boxed, 96 B a call).
     */
    static void tanhRows(float[] x, int xOff, int ldx, float[] bias, int biasOff, float[] y, int yOff, int ldy,
                         int rows, int n) {
        FloatVector hi = FloatVector.broadcast(S, TANH_CLAMP), lo = FloatVector.broadcast(S, -TANH_CLAMP);
        FloatVector one = FloatVector.broadcast(S, 1f), minusOne = FloatVector.broadcast(S, -1f);
        VectorMask<Float> m = S.indexInRange(n - n % L, n);
        for (int r = 0, xr = xOff, yr = yOff; r < rows; r++, xr += ldx, yr += ldy) {
            for (int i = 0; i < n; i += L) {
                boolean whole = i + L <= n;
                FloatVector v = whole ? FloatVector.fromArray(S, x, xr + i) : FloatVector.fromArray(S, x, xr + i, m);
                if (bias != null) {
                    v = v.add(whole ? FloatVector.fromArray(S, bias, biasOff + i)
                            : FloatVector.fromArray(S, bias, biasOff + i, m));
                }
                FloatVector xc = v.blend(hi, v.compare(VectorOperators.GT, hi));
                xc = xc.blend(lo, xc.compare(VectorOperators.LT, lo));
                FloatVector z = xc.mul(xc);
                FloatVector num = FloatVector.broadcast(S, TANH_P4).fma(z, FloatVector.broadcast(S, TANH_P3));
                num = num.fma(z, FloatVector.broadcast(S, TANH_P2));
                num = num.fma(z, FloatVector.broadcast(S, TANH_P1));
                num = num.fma(z, FloatVector.broadcast(S, TANH_P0));
                FloatVector den = FloatVector.broadcast(S, TANH_Q4).fma(z, FloatVector.broadcast(S, TANH_Q3));
                den = den.fma(z, FloatVector.broadcast(S, TANH_Q2));
                den = den.fma(z, FloatVector.broadcast(S, TANH_Q1));
                den = den.fma(z, FloatVector.broadcast(S, TANH_Q0));
                FloatVector t = xc.mul(num).div(den);
                t = t.blend(one, t.compare(VectorOperators.GT, one));
                t = t.blend(minusOne, t.compare(VectorOperators.LT, minusOne));
                if (whole) {
                    t.intoArray(y, yr + i);
                } else {
                    t.intoArray(y, yr + i, m);
                }
            }
        }
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
        // The forms are chosen in the loop, not in a helper taking the vector: C2 did not inline such a helper here
        // (its switch made it too large for a call in a short loop) and boxed every vector, 12,096 B per 1,000 floats.
        int form = powForm(p);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, i, m);
            FloatVector r = switch (form) {
                case 1 -> v.mul(v);
                case 2 -> v.sqrt();
                case 3 -> one.div(v.sqrt());
                case 4 -> one.div(v);
                case 5 -> one.div(v.mul(v.sqrt()));
                default -> v.lanewise(VectorOperators.POW, p);
            };
            r.intoArray(y, i, m);
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
}
