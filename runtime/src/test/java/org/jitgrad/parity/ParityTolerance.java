package org.jitgrad.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Set;

/**
 * How close a float32 result must come to PyTorch's float64 one: {@code |actual - expected| <= rel·|expected| + abs}
 * at every element, infinities and NaNs exactly where PyTorch has them.
 *
 * <p>{@link #FLOAT32}: 1e-5 relative, about a hundred float32 roundings (2^-24 each) of the few operations a case's
 * element goes through, and 1e-6 absolute, for results that are sums of terms of order 1 cancelling to near zero
 * (a sum, a softmax gradient), whose float32 rounding is relative to the terms, not to the result.
 *
 * <p>{@link #APPROXIMATION}: tanh and erf are rational approximations (README, Limits: absolute error below 5e-7 and
 * 4e-7). That error passes through GELU ({@code x·Φ(x)}, up to x = 30 in the cases), the tanh form of GELU
 * ({@code 0.5·x·tanh(...)}) and into gradients multiplied by the weights {@code r} (|r| up to about 3): 5e-6 absolute.
 */
public record ParityTolerance(double rel, double abs) {
    public static final ParityTolerance FLOAT32 = new ParityTolerance(1e-5, 1e-6);
    public static final ParityTolerance APPROXIMATION = new ParityTolerance(1e-5, 5e-6);

    private static final Set<String> APPROXIMATED_OPS = Set.of("tanh", "erf", "gelu", "gelu_tanh");

    public static ParityTolerance of(OpParityCase c) {
        return APPROXIMATED_OPS.contains(c.op()) ? APPROXIMATION : FLOAT32;
    }

    /** Asserts {@code actual} has PyTorch's dimensions and values within this tolerance, naming the worst element. */
    public void assertMatches(String what, ReferenceTensor expected, int[] actualDims, float[] actual) {
        assertArrayEquals(expected.dims(), actualDims, what + ": dimensions");
        assertEquals(expected.values().length, actual.length, what + ": element count");
        for (int i = 0; i < actual.length; i++) {
            double e = expected.values()[i], a = actual[i];
            if (Math.abs(e) > Float.MAX_VALUE) e = (float) e;   // beyond float32's range: PyTorch's float32 overflows too
            boolean ok = Double.isNaN(e) ? Double.isNaN(a)
                    : Double.isInfinite(e) ? e == a
                    : Math.abs(a - e) <= rel * Math.abs(e) + abs;
            if (!ok) {
                fail(what + ": element " + i + " is " + a + ", PyTorch gives " + e + " (difference " + Math.abs(a - e)
                        + ", allowed " + (rel * Math.abs(e) + abs) + ")");
            }
        }
    }
}
