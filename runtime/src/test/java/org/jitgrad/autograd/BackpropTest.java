package org.jitgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The tape's lifecycle: accumulation, zeroing, release, no-grad scopes, seeds, and very long chains. */
class BackpropTest {
    @Test
    void leafGradientsAccumulateAcrossBackwardCalls() {
        Tensor w = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad();
        w.mul(3f).sum().backward();
        assertArrayEquals(new float[] {3f, 3f}, w.grad().toArray());
        w.mul(w).sum().backward();
        assertArrayEquals(new float[] {5f, 7f}, w.grad().toArray());
    }

    @Test
    void zeroGradClearsButKeepsTheGradientTensor() {
        Tensor w = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad();
        w.mul(3f).sum().backward();
        Tensor g = w.grad();
        w.zeroGrad();
        assertArrayEquals(new float[] {0f, 0f}, w.grad().toArray());
        w.mul(2f).sum().backward();
        assertArrayEquals(new float[] {2f, 2f}, w.grad().toArray());
        assertTrue(g == w.grad(), "zeroGrad keeps the storage");
    }

    @Test
    void zeroGradBeforeAnyBackwardIsANoOp() {
        Tensor w = Tensor.zeros(3).requiresGrad();
        w.zeroGrad();
        assertNull(w.grad());
    }

    @Test
    void secondBackwardOverTheSameGraphThrowsAndLeavesGradientsAlone() {
        Tensor w = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad();
        Tensor loss = w.mul(w).sum();
        loss.backward();
        float[] before = w.grad().toArray();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("already released"), e.getMessage());
        assertTrue(e.getMessage().contains("backward()"), e.getMessage());
        assertArrayEquals(before, w.grad().toArray(), "a failed backward must not touch gradients");
    }

    @Test
    void backwardThroughAPartlyReleasedGraphThrowsBeforeMovingAnyGradient() {
        Tensor w = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad();
        Tensor v = Tensor.of(new float[] {3f, 4f}, 2).requiresGrad();
        Tensor shared = w.mul(2f);
        shared.sum().backward();
        float[] wBefore = w.grad().toArray();
        Tensor second = shared.add(v).sum();   // fresh nodes over a released one
        IllegalStateException e = assertThrows(IllegalStateException.class, second::backward);
        assertTrue(e.getMessage().contains("SCALE"), e.getMessage());
        assertArrayEquals(wBefore, w.grad().toArray());
        assertNull(v.grad(), "no gradient may reach v from a backward that threw");
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor w = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad();
        Tensor y;
        try (NoGrad ignored = NoGrad.enter()) {
            assertFalse(NoGrad.isGradEnabled());
            y = w.mul(w).sum();
            try (NoGrad inner = NoGrad.enter()) {
                assertFalse(NoGrad.isGradEnabled());
            }
            assertFalse(NoGrad.isGradEnabled(), "nested scopes: the outer one is still open");
        }
        assertTrue(NoGrad.isGradEnabled());
        assertNull(y.gradFn());
        assertFalse(y.tracksGrad());
        assertEquals(5f, y.item());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not depend on any parameter"), e.getMessage());
        assertNull(w.grad());
        // and recording resumes after the scope
        assertNotNull(w.mul(w).sum().gradFn());
    }

    @Test
    void closingANoGradScopeTwiceDoesNotUnbalanceTheDepth() {
        NoGrad s = NoGrad.enter();
        s.close();
        s.close();
        assertTrue(NoGrad.isGradEnabled());
        try (NoGrad ignored = NoGrad.enter()) {
            assertFalse(NoGrad.isGradEnabled());
        }
    }

    @Test
    void backwardWithAnUpstreamGradientForNonScalars() {
        Tensor x = Tensor.of(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 2, 3).requiresGrad();
        Tensor y = x.mul(x);
        y.backward(Tensor.of(new float[] {1f, 0f, -1f, 2f, 0.5f, 0f}, 2, 3));
        assertArrayEquals(new float[] {2f, 0f, -6f, 16f, 5f, 0f}, x.grad().toArray());
    }

    @Test
    void backwardOnAParameterItself() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad();
        Tensor seed = Tensor.of(new float[] {3f, 4f}, 2);
        x.backward(seed);
        assertArrayEquals(new float[] {3f, 4f}, x.grad().toArray());
        seed.storage()[0] = 100f;
        assertEquals(3f, x.grad().toArray()[0], "the gradient must not alias the seed");
    }

    @Test
    void gradientsDoNotAliasTheSeedThroughPassThroughOps() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2).requiresGrad();
        Tensor seed = Tensor.of(new float[] {3f, 4f}, 2);
        x.add(1f).backward(seed);
        seed.storage()[0] = 100f;
        assertArrayEquals(new float[] {3f, 4f}, x.grad().toArray());
    }

    @Test
    void constantsGetNoGradient() {
        Tensor w = Tensor.scalar(2f).requiresGrad();
        Tensor c = Tensor.scalar(5f);
        w.mul(c).backward();
        assertEquals(5f, w.grad().item());
        assertNull(c.grad());
    }

    @Test
    void detachedValuesStopTheGradient() {
        Tensor w = Tensor.scalar(3f).requiresGrad();
        Tensor f = w.mul(w.detach());
        f.backward();
        assertEquals(3f, w.grad().item());
    }

    @Test
    void hundredThousandOpChainDoesNotOverflowTheStack() {
        int steps = 100_000;
        Tensor x0 = Tensor.of(new float[] {0.5f, -0.25f}, 2).requiresGrad();
        Tensor x = x0;
        for (int i = 0; i < steps; i++) {
            x = (i % 2 == 0) ? x.mul(1.0000001f) : x.add(0.001f);
        }
        x.sum().backward();
        // d/dx0 = 1.0000001^(steps/2) for each element, as float multiplications compound
        double expected = Math.pow(1.0000001f, steps / 2);
        float[] g = x0.grad().toArray();
        assertEquals(expected, g[0], 1e-4);
        assertEquals(expected, g[1], 1e-4);
    }

    @Test
    void longTanhChainGradientMatchesTheProductOfDerivatives() {
        int steps = 100_000;
        Tensor x0 = Tensor.scalar(0.01f).requiresGrad();
        Tensor x = x0;
        double v = 0.01, d = 1;
        for (int i = 0; i < steps; i++) {
            x = x.tanh();
        }
        // reference in double, replaying the float forward values
        float xf = 0.01f;
        for (int i = 0; i < steps; i++) {
            float y = (float) Math.tanh(xf);
            d *= 1 - (double) y * y;
            xf = y;
        }
        x.backward();
        assertEquals(d, x0.grad().item(), 1e-3 * Math.abs(d));
        assertEquals(xf, x.item(), 1e-4 * Math.abs(xf));
    }
}
