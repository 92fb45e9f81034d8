package org.jitgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** SGD against values worked by hand with PyTorch's rules: v = μv + (g + wd·p); p -= lr·v (nesterov: lr·(d + μv)). */
class SGDTest {
    /** Runs {@code steps} steps with a constant gradient {@code g} and returns p after each. */
    private static float[] run(Optimizer opt, Tensor p, float g, int steps) {
        float[] after = new float[steps];
        for (int s = 0; s < steps; s++) {
            p.setGrad(Tensor.full(g, p.shape().dims()));
            opt.step();
            after[s] = p.toArray()[0];
        }
        return after;
    }

    @Test
    void plain() {
        Tensor p = Tensor.of(new float[] {1f, -2f}, 2).requiresGrad();
        SGD opt = new SGD(List.of(p), 0.1f, 0f);
        p.setGrad(Tensor.of(new float[] {0.5f, 0.25f}, 2));
        opt.step();
        assertArrayEquals(new float[] {0.95f, -2.025f}, p.toArray(), 1e-6f);
        opt.step();
        assertArrayEquals(new float[] {0.9f, -2.05f}, p.toArray(), 1e-6f);
    }

    @Test
    void plainWithWeightDecay() {
        // d = 1 + 0.5·2 = 2 -> 1.8; d = 1 + 0.9 = 1.9 -> 1.61
        Tensor p = Tensor.of(new float[] {2f}, 1).requiresGrad();
        assertArrayEquals(new float[] {1.8f, 1.61f}, run(new SGD(List.of(p), 0.1f, 0f, 0.5f, false), p, 1f, 2), 1e-6f);
    }

    @Test
    void momentum() {
        // v: 1, 1.9, 2.71; p: 0.9, 0.71, 0.439
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad();
        SGD opt = new SGD(List.of(p), 0.1f, 0.9f);
        assertArrayEquals(new float[] {0.9f, 0.71f, 0.439f}, run(opt, p, 1f, 3), 1e-6f);
        assertEquals(2.71f, opt.velocity(0)[0], 1e-6f);
    }

    @Test
    void momentumWithWeightDecay() {
        // d1 = 1.1, v1 = 1.1, p1 = 0.89; d2 = 1.089, v2 = 2.079, p2 = 0.6821; d3 = 1.06821, v3 = 2.93931, p3 = 0.388169
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad();
        SGD opt = new SGD(List.of(p), 0.1f, 0.9f, 0.1f, false);
        assertArrayEquals(new float[] {0.89f, 0.6821f, 0.388169f}, run(opt, p, 1f, 3), 1e-6f);
        assertEquals(2.93931f, opt.velocity(0)[0], 1e-6f);
    }

    @Test
    void nesterov() {
        // v: 1, 1.9, 2.71; steps lr·(1 + 0.9v): 0.19, 0.271, 0.3439; p: 0.81, 0.539, 0.1951
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad();
        assertArrayEquals(new float[] {0.81f, 0.539f, 0.1951f}, run(new SGD(List.of(p), 0.1f, 0.9f, 0f, true), p, 1f, 3), 1e-6f);
    }

    @Test
    void parametersWithoutAGradientAreSkippedAndZeroGradClears() {
        Tensor a = Tensor.of(new float[] {1f}, 1).requiresGrad();
        Tensor b = Tensor.of(new float[] {5f}, 1).requiresGrad();
        SGD opt = new SGD(List.of(a, b), 0.5f, 0f);
        a.mul(2f).sum().backward();
        opt.step();
        assertArrayEquals(new float[] {0f}, a.toArray());
        assertArrayEquals(new float[] {5f}, b.toArray());
        assertNull(b.grad());
        opt.zeroGrad();
        assertArrayEquals(new float[] {0f}, a.grad().toArray());
    }

    @Test
    void learningRateCanBeChanged() {
        Tensor p = Tensor.of(new float[] {1f}, 1).requiresGrad();
        SGD opt = new SGD(List.of(p), 0.1f, 0f);
        opt.setLearningRate(0.5f);
        assertEquals(0.5f, opt.learningRate());
        assertArrayEquals(new float[] {0.5f}, run(opt, p, 1f, 1), 0f);
    }

    @Test
    void trainsALinearModel() {
        // y = 3x - 1 from four points; full-batch SGD converges
        Tensor w = Tensor.zeros(1, 1).requiresGrad(), b = Tensor.zeros(1).requiresGrad();
        Tensor x = Tensor.of(new float[] {-1, 0, 1, 2}, 4, 1), y = Tensor.of(new float[] {-4, -1, 2, 5}, 4, 1);
        SGD opt = new SGD(List.of(w, b), 0.1f, 0.5f);
        for (int i = 0; i < 200; i++) {
            opt.zeroGrad();
            org.jitgrad.nn.Losses.mse(x.matmul(w).add(b), y).backward();
            opt.step();
        }
        assertEquals(3f, w.item(), 1e-3f);
        assertEquals(-1f, b.item(), 1e-3f);
    }
}
