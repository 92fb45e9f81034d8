package org.jitgrad.ops;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.jitgrad.tensor.RandomStream;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Dropout on the tape: mask statistics and scale, reproducibility, eval mode, gradient, bad p. */
class DropoutTest {
    private static float[] mask(float p, RandomStream stream, int n) {
        return Tensor.ones(n).dropout(p, stream).toArray();
    }

    @ParameterizedTest
    @ValueSource(floats = {0.1f, 0.5f, 0.9f, 0.3333f})
    void keepsAboutOneMinusPAndScalesExactly(float p) {
        int n = 100_000;
        float[] x = Rand.uniform(7, n, -3f, 3f);
        float[] y = Tensor.of(x, n).dropout(p, new RandomStream(42)).toArray();
        float scale = 1f / (1f - p);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] == 0f && x[i] != 0f) continue;
            assertEquals(x[i] * scale, y[i], 0f, "element " + i);
            kept++;
        }
        double fraction = kept / (double) n;
        double sigma = Math.sqrt(p * (1 - p) / n);
        assertEquals(1 - p, fraction, 5 * sigma, "fraction kept at p=" + p);
    }

    @Test
    void masksAreReproducibleFromTheSeedAndDifferBetweenDraws() {
        RandomStream a = new RandomStream(5), b = new RandomStream(5), c = new RandomStream(6);
        float[] a0 = mask(0.5f, a, 257), a1 = mask(0.5f, a, 257);
        assertArrayEquals(a0, mask(0.5f, b, 257));
        assertArrayEquals(a1, mask(0.5f, b, 257));
        assertFalse(Arrays.equals(a0, a1), "two draws of one stream gave the same mask");
        assertFalse(Arrays.equals(a0, mask(0.5f, c, 257)), "two seeds gave the same mask");
        assertEquals(2, a.position());
        a.seek(1);
        assertArrayEquals(a1, mask(0.5f, a, 257), "seek replays a draw");
    }

    @Test
    void aDisabledStreamKeepsEverythingAndDrawsNothing() {
        RandomStream s = new RandomStream(1);
        s.setEnabled(false);
        float[] x = Rand.uniform(3, 33, -1f, 1f);
        assertArrayEquals(x, Tensor.of(x, 33).dropout(0.5f, s).toArray());
        assertEquals(0, s.position());
        s.setEnabled(true);
        assertArrayEquals(mask(0.5f, new RandomStream(1), 33), mask(0.5f, s, 33), "the first draw after eval is draw 0");
    }

    @Test
    void pZeroIsTheIdentity() {
        Tensor x = Tensor.randn(1, 7);
        RandomStream s = new RandomStream(1);
        assertSame(x, x.dropout(0f, s));
        assertEquals(0, s.position());
    }

    @Test
    void heldPositionsDrawWithoutAdvancing() {
        RandomStream s = new RandomStream(9);
        float[] first;
        try (RandomStream.Hold ignored = RandomStream.holdPositions()) {
            first = mask(0.5f, s, 65);
            assertArrayEquals(first, mask(0.5f, s, 65));
        }
        assertEquals(0, s.position());
        assertArrayEquals(first, mask(0.5f, s, 65));
        assertEquals(1, s.position());
    }

    @Test
    void gradientIsTheMask() {
        Tensor x = Tensor.of(Rand.uniform(4, 7 * 17, -1f, 1f), 7, 17).requiresGrad();
        float[] expectedMask = mask(0.25f, new RandomStream(3), 7 * 17);
        Tensor y = x.dropout(0.25f, new RandomStream(3));
        Tensor r = Tensor.of(Rand.uniform(5, 7 * 17, -1f, 1f), 7, 17);
        y.backward(r);
        float[] g = x.grad().toArray(), rv = r.toArray();
        for (int i = 0; i < g.length; i++) assertEquals(rv[i] * expectedMask[i], g[i], 0f, "element " + i);
    }

    @ParameterizedTest
    @ValueSource(floats = {-0.1f, 1f, 1.5f, Float.NaN})
    void probabilityOutsideZeroToOneIsRejectedBeforeDrawing(float p) {
        RandomStream s = new RandomStream(0);
        assertThrowsNaming(IllegalArgumentException.class, () -> Tensor.ones(3).dropout(p, s), "dropout", "[0, 1)",
                String.valueOf(p));
        assertEquals(0, s.position());
        assertThrowsNaming(IllegalArgumentException.class, () -> s.seek(-1), "seek", "-1");
    }

    @Test
    void masksOfStreamsWithTheSameSeedAreNotEqualParameters() {
        var a = new OpParams.BernoulliMask(org.jitgrad.tensor.Shape.of(3), 0.5f, new RandomStream(1));
        var b = new OpParams.BernoulliMask(org.jitgrad.tensor.Shape.of(3), 0.5f, new RandomStream(1));
        assertNotEquals(a, b);
        assertEquals(a, new OpParams.BernoulliMask(org.jitgrad.tensor.Shape.of(3), 0.5f, a.stream()));
        assertTrue(a.toString().contains("p=0.5"));
    }
}
