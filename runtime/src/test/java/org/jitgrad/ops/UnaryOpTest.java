package org.jitgrad.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jitgrad.kernels.GradKernels;
import org.jitgrad.kernels.UnaryKernels;
import org.jitgrad.kernels.VectorLanes;
import org.jitgrad.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The tape's tanh, erf, GELU and GELU-gradient kernels against the lane rules the compiler's loops use (the same
 * bits), tanh and erf against double references everywhere, and known values.
 */
class UnaryOpTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float[] SPECIAL = {0f, -0f, 0.5f, -0.5f, Math.nextDown(0.5f), Math.nextUp(-0.5f), 1e-30f, -1e-30f,
        3f, -3f, 3.92f, -3.92f, Math.nextUp(3.92f), 10f, -10f, 1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};

    /** Gaussian values (scale 2), then {@link #SPECIAL}: whole vectors and a tail. */
    private static float[] inputs(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 5 * S.length() + 3 + SPECIAL.length;
        float[] x = new float[n];
        for (int i = 0; i < n - SPECIAL.length; i++) x[i] = (float) rnd.nextGaussian() * 2f;
        System.arraycopy(SPECIAL, 0, x, n - SPECIAL.length, SPECIAL.length);
        return x;
    }

    /** The rule applied to whole vectors of {@code x} (zero-padded), its first {@code x.length} results. */
    private static float[] byRule(float[] x, UnaryOperator<FloatVector> rule) {
        float[] padded = java.util.Arrays.copyOf(x, x.length + S.length());
        float[] out = new float[padded.length];
        for (int i = 0; i < x.length; i += S.length()) rule.apply(FloatVector.fromArray(S, padded, i)).intoArray(out, i);
        return java.util.Arrays.copyOf(out, x.length);
    }

    private static void assertSameBits(String what, float[] x, float[] rule, float[] kernel) {
        for (int i = 0; i < x.length; i++) {
            String at = what + "(" + x[i] + "): lane rule " + rule[i] + ", kernel " + kernel[i];
            if (Float.isNaN(rule[i])) {
                // a NaN's sign bit depends on which instruction made it, and so on the JIT tier: only NaN-ness is fixed
                assertTrue(Float.isNaN(kernel[i]), at);
            } else {
                assertEquals(Float.floatToRawIntBits(rule[i]), Float.floatToRawIntBits(kernel[i]), at);
            }
        }
    }

    @Test
    void erfKernelGivesTheLaneRulesBits() {
        float[] x = inputs(7);
        float[] kernel = new float[x.length];
        UnaryKernels.erf(x, kernel, x.length);
        assertSameBits("erf", x, byRule(x, v -> UnaryOp.erf(VectorLanes.INSTANCE, v)), kernel);
    }

    @Test
    void tanhKernelGivesTheLaneRulesBits() {
        float[] x = inputs(11);
        float[] kernel = new float[x.length];
        UnaryKernels.tanh(x, kernel, x.length);
        assertSameBits("tanh", x, byRule(x, v -> UnaryOp.TANH.lanes(VectorLanes.INSTANCE, OpParams.NONE, List.of(v))),
                kernel);
    }

    @Test
    void geluKernelGivesTheLaneRulesBits() {
        float[] x = inputs(8);
        float[] kernel = new float[x.length];
        UnaryKernels.gelu(x, kernel, x.length);
        assertSameBits("gelu", x, byRule(x, v -> UnaryOp.GELU.lanes(VectorLanes.INSTANCE, OpParams.NONE, List.of(v))),
                kernel);
    }

    @Test
    void geluGradKernelGivesTheLaneRulesBits() {
        float[] x = inputs(9);
        float[] g = inputs(10);
        float[] kernel = new float[x.length];
        GradKernels.geluGrad(g, x, kernel, x.length);
        float[] gPadded = java.util.Arrays.copyOf(g, g.length + S.length());
        float[] xPadded = java.util.Arrays.copyOf(x, x.length + S.length());
        float[] rule = new float[xPadded.length];
        for (int i = 0; i < x.length; i += S.length()) {
            GradOp.GELU_GRAD.lanes(VectorLanes.INSTANCE, OpParams.NONE,
                    List.of(FloatVector.fromArray(S, gPadded, i), FloatVector.fromArray(S, xPadded, i))).intoArray(rule, i);
        }
        assertSameBits("geluGrad", x, java.util.Arrays.copyOf(rule, x.length), kernel);
    }

    @Test
    void erfKnownValues() {
        float[] x = {0f, 0.5f, 1f, -1f, 2f, 3f};
        double[] expected = {0, 0.5204998778, 0.8427007929, -0.8427007929, 0.9953222650, 0.9999779095};
        float[] y = new float[x.length];
        UnaryOp.ERF.forward(OpParams.NONE, new Shape[] {Shape.of(x.length)}, new float[][] {x}, Shape.of(x.length), y);
        for (int i = 0; i < x.length; i++) {
            assertTrue(Math.abs(y[i] - expected[i]) <= 3e-7, "erf(" + x[i] + ") = " + y[i] + ", expected " + expected[i]);
        }
    }

    /** erf in double: its Taylor series below 2.5, erfc's continued fraction above (both far below float's error). */
    private static double erfReference(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 2.5) {
            double term = a, sum = a;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-19 * Math.abs(sum); n++) {
                term *= -a * a / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = 0;   // erfc(a) = exp(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...))))
            for (int k = 200; k >= 1; k--) f = (k / 2.0) / (a + f);
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
        }
        return Math.copySign(r, x);
    }

    /** The largest error of {@code y} against {@code reference} over {@code x}, relative for |x| below 1e-3. */
    private record Worst(double error, float at) {
        static Worst of(float[] x, float[] y, DoubleUnaryOperator reference) {
            double worst = 0;
            float worstAt = 0;
            for (int i = 0; i < x.length; i++) {
                double expected = reference.applyAsDouble(x[i]);
                double err = Math.abs(y[i] - expected);
                if (Math.abs(x[i]) < 1e-3f) err /= Math.abs(expected);   // near 0, relative
                if (err > worst) {
                    worst = err;
                    worstAt = x[i];
                }
            }
            return new Worst(worst, worstAt);
        }

        @Override
        public String toString() { return error + " at " + at; }
    }

    @Test
    void erfIsWithinItsDocumentedErrorEverywhere() {
        int n = 400_001;
        float[] x = new float[n + 4];
        for (int i = 0; i < n; i++) x[i] = -6f + 12f * i / (n - 1);
        x[n] = 1e-20f;
        x[n + 1] = -3e-8f;
        x[n + 2] = Float.POSITIVE_INFINITY;
        x[n + 3] = Float.NEGATIVE_INFINITY;
        float[] y = new float[x.length];
        UnaryKernels.erf(x, y, x.length);
        Worst worst = Worst.of(x, y, v -> Double.isInfinite(v) ? Math.signum(v) : erfReference(v));
        assertTrue(worst.error() <= 4e-7, "erf's worst error " + worst);
        assertTrue(Float.isNaN(erfOf(Float.NaN)), "erf(NaN)");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(erfOf(-0f)), "erf(-0) is -0");
    }

    /**
     * tanh against {@code Math.tanh} on a dense grid over [-10, 10] (both sides of the clamp at 9) and at tiny
     * values, where the error is relative: the documented 5e-7, the odd symmetry bit for bit, never beyond ±1, and
     * the special values.
     */
    @Test
    void tanhIsWithinItsDocumentedErrorEverywhere() {
        int n = 2_000_001;
        float[] x = new float[n + 3];
        for (int i = 0; i < n; i++) x[i] = -10f + 20f * i / (n - 1);
        x[n] = 1e-20f;
        x[n + 1] = -3e-8f;
        x[n + 2] = Float.MIN_VALUE;
        float[] y = new float[x.length];
        UnaryKernels.tanh(x, y, x.length);
        float[] negated = new float[x.length];
        for (int i = 0; i < x.length; i++) negated[i] = -x[i];
        float[] yNeg = new float[x.length];
        UnaryKernels.tanh(negated, yNeg, x.length);
        for (int i = 0; i < x.length; i++) {
            assertTrue(Math.abs(y[i]) <= 1f, "tanh(" + x[i] + ") = " + y[i] + " beyond ±1");
            assertEquals(Float.floatToRawIntBits(-y[i]), Float.floatToRawIntBits(yNeg[i]), "tanh(-x) = -tanh(x) at " + x[i]);
        }
        Worst worst = Worst.of(x, y, Math::tanh);
        assertTrue(worst.error() <= 5e-7, "tanh's worst error " + worst);
        assertTrue(worst.error() > 1e-7, "the error bound is tight: worst " + worst);   // the form is not the exact function
        float[] special = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, 20f};
        float[] out = new float[special.length];
        UnaryKernels.tanh(special, out, special.length);
        assertTrue(Float.isNaN(out[0]), "tanh(NaN)");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(out[1]), "tanh(-0) is -0");
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(out[2]), "tanh(0) is 0");
        assertEquals(1f, out[3], "tanh(+inf)");
        assertEquals(-1f, out[4], "tanh(-inf)");
        assertEquals(1f, out[5], "tanh(MAX_VALUE)");
        assertEquals(1f, out[6], "tanh(20)");
    }

    /** GELU and its derivative against the double formulas {@code x·Φ(x)} and {@code Φ(x) + x·φ(x)}. */
    @Test
    void geluAndItsDerivativeMatchTheExactFormulas() {
        int n = 24_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -8f + 16f * i / (n - 1);
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        float[] y = new float[n];
        float[] dy = new float[n];
        UnaryKernels.gelu(x, y, n);
        GradKernels.geluGrad(ones, x, dy, n);
        for (int i = 0; i < n; i++) {
            double cdf = 0.5 * (1 + erfReference(x[i] / Math.sqrt(2)));
            double pdf = Math.exp(-0.5 * x[i] * x[i]) / Math.sqrt(2 * Math.PI);
            double yExact = x[i] * cdf, dExact = cdf + x[i] * pdf;
            assertTrue(Math.abs(y[i] - yExact) <= 4e-6 * Math.max(1, Math.abs(x[i])), "gelu(" + x[i] + ") = " + y[i] + ", exact " + yExact);
            assertTrue(Math.abs(dy[i] - dExact) <= 2e-6, "gelu'(" + x[i] + ") = " + dy[i] + ", exact " + dExact);
        }
        float[] known = new float[3];
        UnaryKernels.gelu(new float[] {1f, -1f, 2f}, known, 3);
        assertEquals(0.8413447460685429, known[0], 1e-6);    // PyTorch: gelu(1)
        assertEquals(-0.15865525393145707, known[1], 1e-6);
        assertEquals(1.9544997361036416, known[2], 1e-6);
    }

    private static float erfOf(float x) {
        float[] out = new float[1];
        UnaryKernels.erf(new float[] {x}, out, 1);
        return out[0];
    }
}
