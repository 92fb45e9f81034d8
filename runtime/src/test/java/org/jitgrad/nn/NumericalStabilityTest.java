package org.jitgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Huge logits must not overflow: softmax, log-softmax and cross-entropy subtract the maximum first. */
class NumericalStabilityTest {
    private static void assertAllFinite(float[] v, String what) {
        for (int i = 0; i < v.length; i++) assertTrue(Float.isFinite(v[i]), what + " at " + i + " is " + v[i]);
    }

    @Test
    void crossEntropyWithLogitsOfTenThousand() {
        Tensor logits = Tensor.of(new float[] {1e4f, 0f, -1e4f, 1e4f, 1e4f, 0f}, 2, 3).requiresGrad();
        Tensor loss = Losses.crossEntropy(logits, Tensor.of(new float[] {1f, 0f}, 2));
        // row 0: logSumExp = 1e4, minus logit 0 -> 1e4; row 1: 1e4 + ln 2 - 1e4 = ln 2
        assertEquals((1e4 + Math.log(2)) / 2, loss.item(), 2e-3);
        loss.backward();
        float[] g = logits.grad().toArray();
        assertAllFinite(g, "gradient");
        assertArrayEquals(new float[] {0.5f, -0.5f, 0f, -0.25f, 0.25f, 0f}, g, 1e-6f);
    }

    @ParameterizedTest
    @ValueSource(floats = {1e4f, -1e4f, 1e30f, -1e30f})
    void crossEntropyIsShiftInvariant(float shift) {
        float[] base = Rand.uniform(3, 4 * 5, -2f, 2f);
        float[] shifted = base.clone();
        // shifting by 1e30 loses the small part entirely; keep the relative logits exact
        if (Math.abs(shift) > 1e5f) for (int i = 0; i < shifted.length; i++) shifted[i] = base[i] = Math.round(base[i]);
        for (int i = 0; i < shifted.length; i++) shifted[i] = base[i] * (Math.abs(shift) > 1e5f ? Math.abs(shift) / 4 : 1f) + shift;
        Tensor labels = Tensor.of(new float[] {0, 4, 2, 1}, 4);
        Tensor lg = Tensor.of(shifted, 4, 5).requiresGrad();
        Tensor loss = Losses.crossEntropy(lg, labels);
        assertTrue(Float.isFinite(loss.item()), "loss " + loss.item());
        loss.backward();
        float[] g = lg.grad().toArray();
        assertAllFinite(g, "gradient");
        for (int r = 0; r < 4; r++) {
            double rowSum = 0;
            for (int c = 0; c < 5; c++) rowSum += g[r * 5 + c];
            assertEquals(0, rowSum, 1e-6, "each row of (softmax - onehot)/batch sums to zero");
        }
        if (Math.abs(shift) < 1e5f) {
            Tensor ref = Tensor.of(base, 4, 5).requiresGrad();
            Tensor refLoss = Losses.crossEntropy(ref, labels);
            assertEquals(refLoss.item(), loss.item(), 2e-3, "loss unchanged by the shift, up to float resolution at 1e4");
            refLoss.backward();
            assertArrayEquals(ref.grad().toArray(), g, 2e-4f);
        }
    }

    @Test
    void softmaxOfLargeValuesOnEveryAxis() {
        float[] x = {1e4f, 1e4f - 1f, 1e4f - 2f, -1e4f, -1e4f + 1f, 3e38f};
        Tensor t = Tensor.of(x, 2, 3);
        float[] rows = t.softmax(1).toArray();
        assertAllFinite(rows, "softmax rows");
        double e1 = Math.exp(-1), e2 = Math.exp(-2), s = 1 + e1 + e2;
        assertArrayEquals(new float[] {(float) (1 / s), (float) (e1 / s), (float) (e2 / s)}, java.util.Arrays.copyOf(rows, 3), 1e-6f);
        assertArrayEquals(new float[] {0f, 0f, 1f}, java.util.Arrays.copyOfRange(rows, 3, 6), 1e-6f);
        float[] cols = t.softmax(0).toArray();
        assertAllFinite(cols, "softmax columns");
        assertArrayEquals(new float[] {1, 1, 0, 0, 0, 1}, cols, 1e-6f);
        float[] logs = t.logSoftmax(1).toArray();
        assertAllFinite(logs, "logSoftmax");
        assertEquals(-Math.log(s), logs[0], 1e-6);
        assertEquals(0f, logs[5], 1e-6);
    }

    /**
     * Results of order 1 (or less) from logits of order 1e3-1e4 keep float32's precision of the result: computed as
     * {@code (x - max) - log Σ exp(x - max)}, not as {@code x - (max + log Σ)}, which rounds to an ulp of the max.
     */
    @Test
    void logSoftmaxAndCrossEntropyOfLargeLogitsKeepTheirPrecision() {
        float[] logs = Tensor.of(new float[] {3e4f, 3e4f, -3e4f}, 1, 3).logSoftmax(1).toArray();
        assertEquals(-Math.log(2), logs[0], 1e-6);   // was -0.693359375: 3e4 + ln 2 rounds to a multiple of 2^-9
        float loss = Losses.crossEntropy(Tensor.of(new float[] {1000f, 990f, 991.5f}, 1, 3), Tensor.of(new float[] {0f}, 1)).item();
        double expected = Math.log1p(Math.exp(-10) + Math.exp(-8.5));
        // within the rounding of Σ exp(x - max) near 1 (2^-24, as PyTorch's float32); was 1.37e-4 for 1.54e-4
        assertEquals(expected, loss, 1e-7);
    }

    @Test
    void gradientsThroughSaturatedSoftmaxAndSigmoidAreFinite() {
        Tensor x = Tensor.of(new float[] {1e4f, 0f, -1e4f, 50f, -50f, 100f}, 2, 3).requiresGrad();
        x.softmax(1).mul(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)).sum().add(x.sigmoid().sum()).backward();
        assertAllFinite(x.grad().toArray(), "gradient");
        Tensor y = Tensor.of(new float[] {-100f, 100f}, 2);
        float[] s = y.sigmoid().toArray();
        assertEquals(0f, s[0], 1e-30f);
        assertEquals(1f, s[1], 0f);
    }
}
