package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jitgrad.compile.Plans.count;
import static org.jitgrad.compile.Plans.steps;

import java.util.List;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A fused loop stores the members that later steps read (GELU's scaled input and {@code 1 + erf}, kept for its
 * backward), so one loop replaces three; a member read by a step before the loop's root stays out of it.
 */
class StoredIntermediatesTest {
    /**
     * {@code Σ gelu(x·w)·r} on a [9,6] input, GELU written as its composite {@code h·(1 + erf(h/√2))/2} (the
     * {@code gelu} op is one op): w, the function and the input, from seeds {@code seed..seed+2}.
     */
    private record GeluGraph(Tensor w, TensorFn fn, Tensor x) {
        static GeluGraph of(long seed) {
            Tensor w = Tensor.randn(seed, 6, 40).requiresGrad();
            Tensor r = Tensor.randn(seed + 1, 9, 40);
            return new GeluGraph(w, in -> composite(in[0].matmul(w)).mul(r).sum(), Tensor.randn(seed + 2, 9, 6));
        }

        private static Tensor composite(Tensor h) {
            return h.mul(h.mul((float) (1 / Math.sqrt(2))).erf().add(1f)).mul(0.5f);
        }
    }

    @Test
    void geluForwardIsOneLoopThatStoresWhatItsBackwardReads() {
        GeluGraph g = GeluGraph.of(1);
        Engines.assertSameLossAndGradients(g.fn(), List.of(g.w()), g.x());
        Compiled step = Compiled.trace(g.fn());
        step.run(g.x());
        String steps = steps(step);
        assertEquals(2, count(steps, "+ stores"), steps);
        assertTrue(steps.contains("erf("), steps);
    }

    @Test
    void withoutStoringTheSameGraphTakesMoreLoopsAndGivesTheSameValues() {
        GeluGraph g = GeluGraph.of(4);
        Compiled stored = Compiled.trace(g.fn());
        float storedLoss = stored.run(g.x());
        float[] storedGrad = g.w().grad().toArray();
        String before = System.getProperty("jitgrad.fusion.storeIntermediates");
        System.setProperty("jitgrad.fusion.storeIntermediates", "false");
        try {
            g.w().setGrad(null);
            Compiled separate = Compiled.trace(g.fn());
            float separateLoss = separate.run(g.x());
            String steps = steps(separate);
            assertFalse(steps.contains("+ stores"), steps);
            String storedSteps = steps(stored);
            assertTrue(count(steps, "fused loop") > count(storedSteps, "fused loop"), steps + "\n" + storedSteps);
            // the same lane rules either way; only the JIT tier of the vector exp may differ (Engines)
            Engines.assertClose("loss", new float[] {storedLoss}, new float[] {separateLoss}, Engines.REL);
            Engines.assertClose("dW", storedGrad, g.w().grad().toArray(), Engines.REL);
        } finally {
            if (before == null) System.clearProperty("jitgrad.fusion.storeIntermediates");
            else System.setProperty("jitgrad.fusion.storeIntermediates", before);
        }
    }

    @Test
    void aMemberReadBeforeTheRootStaysOutOfTheLoop() {
        // a = exp(x) feeds the product (created before the root b) and b = a * 2 + x: a must be computed first
        Tensor w = Tensor.randn(7, 8, 8).requiresGrad();
        TensorFn fn = in -> {
            Tensor a = in[0].exp();
            Tensor c = a.matmul(w);
            Tensor b = a.mul(2f).add(in[0]);
            return c.sum().add(b.mul(b).sum());
        };
        Tensor x = Tensor.randn(8, 5, 8).mul(0.3f);
        Engines.assertSameLossAndGradients(fn, List.of(w), x);
        Compiled step = Compiled.trace(fn);
        step.run(x);
        String steps = steps(step);
        assertTrue(steps.indexOf("exp(") < steps.indexOf("matmul("), "exp is computed before the product reads it: " + steps);
    }
}
