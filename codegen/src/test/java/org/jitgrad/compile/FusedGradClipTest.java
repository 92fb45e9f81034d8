package org.jitgrad.compile;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.util.List;
import org.jitgrad.optim.Adam;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.Approx;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link Compiled#withGradClipping}: clipping by total norm fused before the fused update. */
class FusedGradClipTest {
    private static final int STEPS = 30;

    @Test
    void adamWithClippingMatchesTheTape() {
        float[] norms = TrainingParity.assertSameTraining(
                new TrainingParity.Recipe(p -> new Adam(p, 3e-3f), 1.2f, null), STEPS);
        assertClippedSomeStepsOnly(norms, 1.2f);
    }

    @Test
    void sgdWithClippingMatchesTheTape() {
        float[] norms = TrainingParity.assertSameTraining(
                new TrainingParity.Recipe(p -> new SGD(p, 0.05f, 0.9f), 1.2f, null), STEPS);
        assertClippedSomeStepsOnly(norms, 1.2f);
    }

    @Test
    void infiniteBoundOnlyMeasures() {
        float[] norms = TrainingParity.assertSameTraining(
                new TrainingParity.Recipe(p -> new Adam(p, 3e-3f), Float.POSITIVE_INFINITY, null), 5);
        for (float n : norms) assertTrue(n > 0 && Float.isFinite(n), "norm " + n);
    }

    /** The bound is chosen so that the test covers both branches: some steps clip, some do not. */
    private static void assertClippedSomeStepsOnly(float[] norms, float maxNorm) {
        int clipped = 0;
        for (float n : norms) if (n > maxNorm) clipped++;
        assertTrue(clipped > 0 && clipped < norms.length,
                clipped + " of " + norms.length + " steps clipped: " + java.util.Arrays.toString(norms));
    }

    @Test
    void withoutAnOptimizerEveryGradientIsClipped() {
        TrainingParity.Net net = TrainingParity.Net.of(5);
        Tensor x = TrainingParity.input(1), y = TrainingParity.labels();
        net.loss(x, y).backward();
        float[][] raw = net.parameters().stream().map(p -> p.grad().toArray()).toArray(float[][]::new);
        double sumSq = 0;
        for (float[] g : raw) for (float v : g) sumSq += (double) v * v;
        float maxNorm = (float) (Math.sqrt(sumSq) / 4);  // clips by about 4x
        for (Tensor p : net.parameters()) p.zeroGrad();
        net.loss(x, y).backward();
        float tapeNorm = GradClip.clipGradNorm(net.parameters(), maxNorm);
        float[][] tapeClipped = net.parameters().stream().map(p -> p.grad().toArray()).toArray(float[][]::new);
        float[][] before = net.parameters().stream().map(Tensor::toArray).toArray(float[][]::new);

        Compiled step = Compiled.trace(net.fn()).withGradClipping(maxNorm);
        step.run(x, y);
        Engines.assertClose("norm", new float[] {tapeNorm}, new float[] {step.lastGradNorm()}, 1e-5);
        double clippedSq = 0;
        for (int i = 0; i < raw.length; i++) {
            float[] g = net.parameters().get(i).grad().toArray();
            Engines.assertClose("clipped gradient " + i, tapeClipped[i], g, 1e-5);
            for (float v : g) clippedSq += (double) v * v;
            Approx.assertExact(before[i], net.parameters().get(i).toArray(), "no optimizer: parameter " + i + " unchanged");
        }
        assertEquals(maxNorm, Math.sqrt(clippedSq), 1e-5 * maxNorm, "total norm after clipping");
    }

    @Test
    void withAnOptimizerOnlyItsParametersAreClipped() {
        TrainingParity.Net tape = TrainingParity.Net.of(6), compiled = TrainingParity.Net.of(6);
        // the optimizer manages the second layer only; the first layer's gradients stay as computed
        SGD tapeOpt = new SGD(tape.parameters().subList(4, 6), 0.1f, 0f);
        SGD compiledOpt = new SGD(compiled.parameters().subList(4, 6), 0.1f, 0f);
        Compiled step = Compiled.trace(compiled.fn()).withOptimizer(compiledOpt).withGradClipping(0.05f);
        Tensor x = TrainingParity.input(2), y = TrainingParity.labels();
        tape.loss(x, y).backward();
        float[] unclippedFirst = tape.parameters().get(0).grad().toArray();
        float tapeNorm = GradClip.clipGradNorm(tapeOpt.parameters(), 0.05f);
        tapeOpt.step();
        step.run(x, y);
        assertTrue(tapeNorm > 0.05f, "the bound must clip: " + tapeNorm);
        Engines.assertClose("norm over the optimizer's parameters", new float[] {tapeNorm}, new float[] {step.lastGradNorm()}, 1e-5);
        Engines.assertClose("unmanaged gradient left unclipped", unclippedFirst, compiled.parameters().get(0).grad().toArray(), 1e-5);
        for (int i = 0; i < 6; i++) {
            Engines.assertClose("parameter " + i, tape.parameters().get(i).toArray(), compiled.parameters().get(i).toArray(), 1e-5);
        }
    }

    @Test
    void configurationAndErrors() {
        TrainingParity.Net net = TrainingParity.Net.of(7);
        Compiled plain = Compiled.trace(net.fn());
        assertThrowsNaming(IllegalStateException.class, plain::lastGradNorm, "lastGradNorm", "withGradClipping");
        for (float bad : new float[] {0f, -1f, Float.NaN}) {
            assertThrowsNaming(IllegalArgumentException.class, () -> plain.withGradClipping(bad), "withGradClipping", "maxNorm",
                    String.valueOf(bad));
        }
        Compiled clipped = plain.withGradClipping(1f);
        assertTrue(Float.isNaN(clipped.lastGradNorm()), "NaN before the first run");
        // the order of withOptimizer and withGradClipping does not matter; each Compiled reports its own norm
        Compiled both = clipped.withOptimizer(new SGD(net.parameters(), 0.01f, 0f)).withCacheSize(2);
        both.run(TrainingParity.input(3), TrainingParity.labels());
        assertTrue(both.lastGradNorm() > 0, "norm " + both.lastGradNorm());
        assertTrue(Float.isNaN(clipped.lastGradNorm()), "another Compiled's runs do not change this one's norm");
        assertTrue(both.explain().contains("clipped to total norm 1.0"), both.explain());
        assertTrue(both.explain().contains("SGD update"), both.explain());
        // forward compiles no backward, so nothing to clip
        both.forward(TrainingParity.input(3), TrainingParity.labels());
        assertTrue(!both.explain().contains("clipped"), both.explain());
    }

    @Test
    void generatedClassHoldsTheClipper() {
        TrainingParity.Net net = TrainingParity.Net.of(8);
        Compiled step = Compiled.trace(net.fn()).withGradClipping(1f);
        step.run(TrainingParity.input(4), TrainingParity.labels());
        int clippers = 0;
        for (Field f : step.lastProgram().getClass().getDeclaredFields()) if (f.getType() == GradClip.class) clippers++;
        assertEquals(1, clippers);
        Compiled unclipped = Compiled.trace(net.fn());
        unclipped.run(TrainingParity.input(4), TrainingParity.labels());
        for (Field f : unclipped.lastProgram().getClass().getDeclaredFields()) {
            assertTrue(f.getType() != GradClip.class, "no clipper field without clipping");
        }
    }

    @Test
    @Tag("allocation")
    void aClippedFusedStepAllocatesNothing() {
        var mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        TrainingParity.Net net = TrainingParity.Net.of(9);
        Adam opt = new Adam(net.parameters(), 1e-3f);
        Compiled step = Compiled.trace(net.fn()).withOptimizer(opt).withGradClipping(0.5f);
        Tensor[] inputs = {TrainingParity.input(5), TrainingParity.labels()};
        long best = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 30_000_000_000L;  // a loaded 2-core host needs long for C2
        while (best > 0 && System.nanoTime() < deadline) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int r = 0; r < 50; r++) step.run(inputs);
            best = Math.min(best, bean.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(0, best, "bytes allocated by 50 clipped Adam steps (after warm-up)");
        assertTrue(step.lastGradNorm() > 0);
    }
}
