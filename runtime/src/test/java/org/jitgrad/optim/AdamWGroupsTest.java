package org.jitgrad.optim;

import static org.jitgrad.testing.Approx.assertExact;
import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jitgrad.testing.Rand;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** AdamW with a weight decay per parameter, and nanoGPT's groups (decay on rank >= 2 only). */
class AdamWGroupsTest {
    private static final float LR = 1e-2f, B1 = 0.9f, B2 = 0.99f, EPS = 1e-8f, WD = 0.1f;

    /** torch.optim.AdamW's update, written out in double for one parameter. */
    private static final class ReferenceAdamW {
        final double[] p, m, v;
        final double wd;

        ReferenceAdamW(float[] init, double wd) {
            p = new double[init.length];
            for (int i = 0; i < init.length; i++) p[i] = init[i];
            m = new double[init.length];
            v = new double[init.length];
            this.wd = wd;
        }

        void step(int t, double lr, float[] g) {
            double b1 = B1, b2 = B2;
            double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < p.length; i++) {
                p[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double denom = Math.sqrt(v[i]) / Math.sqrt(bc2) + EPS;
                p[i] -= lr / bc1 * m[i] / denom;
            }
        }
    }

    private static List<Tensor> nanoGptLikeParameters() {
        return List.of(
                Tensor.uniform(1, -1f, 1f, 3, 5).requiresGrad(),   // matmul weight: decayed
                Tensor.uniform(2, -1f, 1f, 5).requiresGrad(),      // bias: not decayed
                Tensor.uniform(3, -1f, 1f, 2, 3, 2).requiresGrad(), // rank 3: decayed
                Tensor.uniform(4, 0.5f, 1.5f, 1).requiresGrad());  // layer-norm gain: not decayed
    }

    @Test
    void decayGoesToMatricesOnly() {
        AdamW opt = AdamW.withDecayOnMatrices(nanoGptLikeParameters(), LR, B1, B2, EPS, WD);
        assertEquals(WD, opt.weightDecay(0));
        assertEquals(0f, opt.weightDecay(1));
        assertEquals(WD, opt.weightDecay(2));
        assertEquals(0f, opt.weightDecay(3));
    }

    @Test
    void matchesAnIndependentDoubleReferenceOverSixSteps() {
        List<Tensor> params = nanoGptLikeParameters();
        AdamW opt = AdamW.withDecayOnMatrices(params, LR, B1, B2, EPS, WD);
        ReferenceAdamW[] ref = new ReferenceAdamW[params.size()];
        for (int i = 0; i < ref.length; i++) ref[i] = new ReferenceAdamW(params.get(i).toArray(), params.get(i).rank() >= 2 ? WD : 0);
        LrSchedule schedule = LrSchedule.warmupCosine(LR, LR / 10, 2, 5);
        for (int t = 1; t <= 6; t++) {
            float lr = schedule.applyTo(opt, t - 1);
            for (int i = 0; i < params.size(); i++) {
                float[] g = Rand.uniform(100 * t + i, params.get(i).size(), -1f, 1f);
                params.get(i).setGrad(Tensor.of(g, params.get(i).shape().dims()));
                ref[i].step(t, lr, g);
            }
            opt.step();
            for (int i = 0; i < params.size(); i++) {
                float[] actual = params.get(i).toArray();
                for (int j = 0; j < actual.length; j++) {
                    assertEquals(ref[i].p[j], actual[j], 2e-6, "parameter " + i + " element " + j + " after step " + t);
                }
            }
        }
    }

    @Test
    void withZeroGradientsOnlyMatricesShrink() {
        List<Tensor> params = nanoGptLikeParameters();
        float[][] before = params.stream().map(Tensor::toArray).toArray(float[][]::new);
        AdamW opt = AdamW.withDecayOnMatrices(params, LR, B1, B2, EPS, WD);
        for (Tensor p : params) p.setGrad(Tensor.zeros(p.shape().dims()));
        for (int t = 0; t < 3; t++) opt.step();  // m = v = 0: the Adam step is exactly 0
        float shrink = 1f - LR * WD;
        for (int i = 0; i < params.size(); i++) {
            float[] expected = before[i].clone();
            if (params.get(i).rank() >= 2) {
                for (int j = 0; j < expected.length; j++) expected[j] = expected[j] * shrink * shrink * shrink;
            }
            assertExact(expected, params.get(i).toArray(), "parameter " + i + " of rank " + params.get(i).rank());
        }
    }

    @Test
    void perParameterArrayEqualsUniformDecayWhenAllEqual() {
        List<Tensor> a = nanoGptLikeParameters(), b = nanoGptLikeParameters();
        AdamW uniform = new AdamW(a, LR, B1, B2, EPS, WD);
        AdamW perParameter = new AdamW(b, LR, B1, B2, EPS, new float[] {WD, WD, WD, WD});
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < a.size(); i++) {
                float[] g = Rand.uniform(7 * t + i, a.get(i).size(), -1f, 1f);
                a.get(i).setGrad(Tensor.of(g.clone(), a.get(i).shape().dims()));
                b.get(i).setGrad(Tensor.of(g.clone(), b.get(i).shape().dims()));
            }
            uniform.step();
            perParameter.step();
        }
        for (int i = 0; i < a.size(); i++) assertExact(a.get(i).toArray(), b.get(i).toArray(), "parameter " + i);
    }

    @Test
    void badWeightDecays() {
        List<Tensor> params = nanoGptLikeParameters();
        assertThrowsNaming(IllegalArgumentException.class, () -> new AdamW(params, LR, B1, B2, EPS, new float[] {0.1f, 0f}),
                "AdamW", "2 weightDecay values", "4 parameters");
        assertThrowsNaming(IllegalArgumentException.class,
                () -> new AdamW(params, LR, B1, B2, EPS, new float[] {0.1f, -0.5f, 0f, 0f}),
                "AdamW", "weightDecay of parameter 1", "[5]", "-0.5");
        assertThrowsNaming(IllegalArgumentException.class,
                () -> new AdamW(params, LR, B1, B2, EPS, new float[] {0.1f, 0f, 0f, Float.NaN}),
                "weightDecay of parameter 3", "NaN");
        assertThrowsNaming(NullPointerException.class, () -> new AdamW(params, LR, B1, B2, EPS, (float[]) null),
                "AdamW", "weightDecay");
        assertThrowsNaming(IllegalArgumentException.class, () -> AdamW.withDecayOnMatrices(params, LR, B1, B2, EPS, -0.1f),
                "AdamW", "weightDecay", "-0.1");
        assertThrowsNaming(IllegalArgumentException.class, () -> AdamW.withDecayOnMatrices(params, LR, B1, 1f, EPS, 0.1f),
                "AdamW", "beta2", "1.0");
        assertThrowsNaming(IllegalArgumentException.class, () -> AdamW.withDecayOnMatrices(List.of(), LR, B1, B2, EPS, 0.1f),
                "AdamW", "no parameters");
    }

    @Test
    void theDecayArrayIsCopied() {
        float[] decays = {WD, 0f, WD, 0f};
        AdamW opt = new AdamW(nanoGptLikeParameters(), LR, B1, B2, EPS, decays);
        decays[1] = 5f;
        assertEquals(0f, opt.weightDecay(1));
    }
}
