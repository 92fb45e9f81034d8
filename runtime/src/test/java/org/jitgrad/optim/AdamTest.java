package org.jitgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Adam and AdamW against values worked by hand (PyTorch semantics, bias-corrected), three steps with
 * gradients 1, -0.5, 0.25 from p = 1, lr 0.1, betas (0.9, 0.999), eps 1e-8.
 * Step 2 of plain Adam: m = 0.09 - 0.05 = 0.04, v = 0.000999 + 0.00025 = 0.001249,
 * m̂ = 0.04/0.19, v̂ = 0.001249/0.001999, p = 0.9 - 0.1·m̂/(√v̂ + eps) = 0.8733663.
 */
class AdamTest {
    private static final float[] GRADS = {1f, -0.5f, 0.25f};

    private static void check(Adam opt, Tensor p, double[][] expected) {
        for (int t = 0; t < GRADS.length; t++) {
            p.setGrad(Tensor.of(new float[] {GRADS[t]}, 1));
            opt.step();
            assertEquals(expected[t][0], p.item(), 1e-6, "p after step " + (t + 1));
            // float32 betas: 1 - 0.999f is 0.00099998713, so the moments carry a relative error near 1e-5
            assertEquals(expected[t][1], opt.firstMoment(0)[0], 1e-4 * expected[t][1], "m after step " + (t + 1));
            assertEquals(expected[t][2], opt.secondMoment(0)[0], 1e-4 * expected[t][2], "v after step " + (t + 1));
        }
        assertEquals(3, opt.stepCount());
    }

    @Test
    void adam() {
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad();
        check(new Adam(List.of(p), 0.1f), p, new double[][] {
            {0.9, 0.1, 0.001}, {0.8733663, 0.04, 0.001249}, {0.8393234, 0.061, 0.001310251}});
    }

    @Test
    void adamWithL2WeightDecay() {
        // d = g + 0.1·p: step 1 d = 1.1 -> m = 0.11, v = 0.00121; the ratio m̂/√v̂ = 1 again
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad();
        check(new Adam(List.of(p), 0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, false), p, new double[][] {
            {0.9, 0.11, 0.00121}, {0.8632184, 0.058, 0.00137689}, {0.8182785, 0.0858322, 0.0014886255}});
    }

    @Test
    void adamWDecaysFirst() {
        // p *= 1 - 0.1·0.1 first: step 1 p = 0.99 - 0.1 = 0.89; moments as plain Adam
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad();
        check(new AdamW(List.of(p), 0.1f, 0.1f), p, new double[][] {
            {0.89, 0.1, 0.001}, {0.8544663, 0.04, 0.001249}, {0.8118787, 0.061, 0.001310251}});
    }

    @Test
    void adamWDefaultsToPyTorchsWeightDecay() {
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad();
        AdamW opt = new AdamW(List.of(p), 0.1f);
        p.setGrad(Tensor.of(new float[] {1f}, 1));
        opt.step();
        assertEquals(1f * (1 - 0.1f * 0.01f) - 0.1f, p.item(), 1e-6);
    }

    @Test
    void constantGradientMovesByTheLearningRate() {
        Tensor p = Tensor.of(new float[] {1f, -1f, 0.5f}, 3).requiresGrad();
        Adam opt = new Adam(List.of(p), 0.01f);
        for (int t = 0; t < 3; t++) {
            p.setGrad(Tensor.of(new float[] {2f, -3f, 0.001f}, 3));
            opt.step();
        }
        float[] v = p.toArray();
        assertEquals(0.97f, v[0], 1e-5);
        assertEquals(-0.97f, v[1], 1e-5);
        assertEquals(0.47f, v[2], 1e-5);
    }
}
