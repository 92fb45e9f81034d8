package org.jitgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Linear: PyTorch's initialisation bounds, seed determinism, shapes and the forward formula. */
class LinearTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16, 100})
    void initialisationWithinPlusMinusOneOverSqrtIn(int in) {
        Linear l = new Linear(in, 33, 7);
        double bound = 1.0 / Math.sqrt(in);
        for (Tensor t : l.parameters()) {
            float[] v = t.toArray();
            float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
            for (float x : v) {
                assertTrue(Math.abs(x) <= bound, "value " + x + " beyond ±" + bound);
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            if (v.length >= 33) {
                assertTrue(hi > 0.5 * bound && lo < -0.5 * bound, "values should spread over the range, got " + lo + ".." + hi);
            }
        }
    }

    @Test
    void shapesAndParameters() {
        Linear l = new Linear(5, 3, 1);
        assertArrayEquals(new int[] {5, 3}, l.weight().shape().dims());
        assertArrayEquals(new int[] {3}, l.bias().shape().dims());
        assertEquals(5, l.inFeatures());
        assertEquals(3, l.outFeatures());
        assertTrue(l.weight().isParameter() && l.bias().isParameter());
        assertEquals(java.util.List.of("weight", "bias"), java.util.List.copyOf(l.namedParameters().keySet()));
        assertEquals("Linear(5, 3)", l.toString());
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        Linear a = new Linear(4, 6, 42), b = new Linear(4, 6, 42), c = new Linear(4, 6, 43);
        assertArrayEquals(a.weight().toArray(), b.weight().toArray());
        assertArrayEquals(a.bias().toArray(), b.bias().toArray());
        assertFalse(Arrays.equals(a.weight().toArray(), c.weight().toArray()));
        assertFalse(Arrays.equals(a.bias().toArray(), c.bias().toArray()));
        assertFalse(Arrays.equals(Arrays.copyOf(a.weight().toArray(), 6), a.bias().toArray()),
                "bias must not repeat the weight's random stream");
    }

    @Test
    void forwardIsXTimesWPlusB() {
        Linear l = new Linear(2, 3, 0);
        l.weight().copyFrom(new float[] {1, 2, 3, 4, 5, 6});
        l.bias().copyFrom(new float[] {0.5f, -1, 0});
        Tensor y = l.forward(Tensor.of(new float[] {1, 1, 2, 0}, 2, 2));
        assertArrayEquals(new float[] {5.5f, 6, 9, 2.5f, 3, 6}, y.toArray());
    }
}
