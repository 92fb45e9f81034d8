package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.jitgrad.tensor.Tensor;

/** Runs one function on the tape and compiled, and compares loss and gradients. */
final class Engines {
    static final double REL = 1e-5;
    /**
     * Elements smaller than this fraction of the tensor's largest magnitude are compared against
     * that floor instead of their own size (so each element's error is at most 1e-6 of the tensor's
     * scale). The JDK's vector exp (and log) differ by an ulp between the interpreter, C1 and C2;
     * through a deep backward pass (1 - y², sums of opposite terms) that becomes a large relative
     * error on elements a thousand times below the tensor's scale: rounding, not a bug.
     */
    static final double FLOOR = 0.1;

    /**
     * Differences this small pass whatever the scale: a gradient that is mathematically zero (through a mean
     * subtraction, say) comes out as rounding noise of about 1e-11 in each engine, and a relative comparison of
     * two noises fails (RandomGraphTest seed 14: -1.9e-11 against 9.6e-12).
     */
    static final double ABSOLUTE = 1e-9;

    private Engines() {}

    /** Tape loss and gradients (copied), then compiled loss and gradients: asserts they agree. */
    static void assertSameLossAndGradients(TensorFn fn, List<Tensor> params, Tensor... inputs) {
        assertSameLossAndGradients(fn, params, REL, inputs);
    }

    static void assertSameLossAndGradients(TensorFn fn, List<Tensor> params, double rel, Tensor... inputs) {
        assertSameLossAndGradients(fn, params, rel, 0, inputs);
    }

    /**
     * Like the above after {@code warmups} unchecked rounds of both engines. The JDK evaluates the
     * Vector API's exp and log with a different routine in the interpreter than in C2-compiled code
     * (they can differ by an ulp), so two engines running cold code at different JIT tiers can round
     * differently; deep models amplify that. Warm rounds compare the engines as a service runs them.
     */
    static void assertSameLossAndGradients(TensorFn fn, List<Tensor> params, double rel, int warmups, Tensor... inputs) {
        Compiled warm = Compiled.trace(fn);
        for (int w = 0; w < warmups; w++) {
            fn.apply(inputs).backward();
            warm.run(inputs);
        }
        for (Tensor p : params) p.setGrad(null);
        Tensor loss = fn.apply(inputs);
        float tapeLoss = loss.item();
        loss.backward();
        float[][] tapeGrads = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).grad();
            tapeGrads[i] = g == null ? null : g.toArray();
            params.get(i).setGrad(null);
        }
        Compiled step = Compiled.trace(fn);
        float compiledLoss = step.run(inputs);
        assertClose("loss", new float[] {tapeLoss}, new float[] {compiledLoss}, rel);
        float[][] compiledGrads = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).grad();
            compiledGrads[i] = g == null ? null : g.toArray();
            if (tapeGrads[i] == null) {
                // the loss does not depend on it: the compiled run leaves it alone or writes zeros
                if (g != null) assertClose("unreached parameter " + i, new float[g.size()], g.toArray(), 0);
                continue;
            }
            assertNotNull(g, "compiled run left no gradient on parameter " + i);
            assertClose("gradient of parameter " + i + " " + params.get(i).shape(), tapeGrads[i], g.toArray(), rel);
        }
        // The second call reuses the specialization and must give the same loss and gradients (run overwrites,
        // never accumulates). Within the tolerance, not bit for bit: between the two calls the JIT may replace a
        // kernel's interpreted or C1 code with C2's, and the JDK's vector exp differs by an ulp between tiers
        // (seed 289 of RandomGraphTest once gave -58.629707 then -58.629704). A stale or accumulated buffer would be
        // off by far more.
        float again = step.run(inputs);
        assertClose("second compiled run: loss", new float[] {compiledLoss}, new float[] {again}, rel);
        for (int i = 0; i < params.size(); i++) {
            if (compiledGrads[i] == null) continue;
            assertClose("second compiled run: gradient of parameter " + i, compiledGrads[i], params.get(i).grad().toArray(), rel);
        }
        assertEquals(1, step.compileCount());
    }

    /** Max over elements of |a-b| / max(|a|, |b|, floor) must stay under {@code rel}; see {@link #FLOOR}. */
    static void assertClose(String what, float[] expected, float[] actual, double rel) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        double floor = Math.max(Float.MIN_NORMAL, scale * FLOOR);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            if (Math.abs(e - a) <= ABSOLUTE) continue;
            double err = Math.abs(e - a) / Math.max(floor, Math.max(Math.abs(e), Math.abs(a)));
            if (!(err <= rel)) {
                fail(what + ": element " + i + " expected " + e + " but compiled gave " + a + " (relative error " + err
                        + "; largest magnitude " + scale + ")");
            }
        }
    }
}
