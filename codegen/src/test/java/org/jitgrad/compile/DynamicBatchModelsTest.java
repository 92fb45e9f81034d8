package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Conv2d;
import org.jitgrad.nn.Flatten;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.nn.Linear;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MaxPool2d;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Models beyond the MLP with a dynamic batch, each trained in lockstep against programs compiled for
 * each batch shape alone: layer norm, GELU, softmax, a statistic over the batch and two losses; a small
 * CNN (its flatten reshapes to {@code [s, features]}); nanoGPT's model with dropout (reshapes to
 * {@code [s·T, C]}, batched attention products, random masks of {@code s}-dependent shape).
 */
class DynamicBatchModelsTest {
    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 12, 17, 31, 32, 33, 64, 100, 3, 1, 256, 2, 64};

    /** Layer norm, GELU, logits centred by their mean over the batch, cross-entropy plus the MSE of their softmax. */
    private static DynamicParity.Model layerNormNet(long seed) {
        List<Tensor> p = List.of(
                Tensor.uniform(seed, -0.3f, 0.3f, 12, 24).requiresGrad(),
                Tensor.uniform(seed + 1, -0.1f, 0.1f, 24).requiresGrad(),
                Tensor.uniform(seed + 2, 0.8f, 1.2f, 24).requiresGrad(),
                Tensor.uniform(seed + 3, -0.1f, 0.1f, 24).requiresGrad(),
                Tensor.uniform(seed + 4, -0.3f, 0.3f, 24, 5).requiresGrad(),
                Tensor.uniform(seed + 5, -0.1f, 0.1f, 5).requiresGrad());
        return new DynamicParity.Model(p, in -> {
            Tensor h = in[0].matmul(p.get(0)).add(p.get(1)).layerNorm(p.get(2), p.get(3), 1e-5f).gelu();
            Tensor logits = h.matmul(p.get(4)).add(p.get(5));
            Tensor centred = logits.sub(logits.mean(0, true));
            return Losses.crossEntropy(centred, in[1]).add(Losses.mse(centred.softmax(-1), in[2]).mul(0.5f));
        });
    }

    @Test
    void layerNormSoftmaxAndTwoLossesWithABatchStatistic() {
        Compiled dyn = DynamicParity.assertSameTraining(DynamicBatchModelsTest::layerNormNet, p -> new Adam(p, 1e-2f), c -> c,
                s -> new Tensor[] {Tensor.randn(10 + s, s, 12), OpCoverageTest.labels(s, 5), Tensor.uniform(20 + s, 0f, 0.4f, s, 5)},
                SIZES);
        assertEquals(2, dyn.compileCount(), "the first batch size, then one program for every batch size");
        String explain = dyn.explain();
        assertTrue(explain.contains("c=1/s :") && explain.contains("c=1/(5·s) :"), "the batch mean's 1/s and the MSE's 1/(5s): " + explain);
    }

    private static DynamicParity.Model cnn(long seed) {
        Sequential net = new Sequential(
                new Conv2d(1, 4, 3, 1, 1, true, seed), Activation.RELU, new MaxPool2d(2),
                new Flatten(), new Linear(4 * 4 * 4, 10, seed + 1));
        return new DynamicParity.Model(net.parameters(), in -> Losses.crossEntropy(net.forward(in[0]), in[1]));
    }

    @Test
    void convolutionPoolingAndFlatten() {
        Compiled dyn = DynamicParity.assertSameTraining(DynamicBatchModelsTest::cnn, p -> new SGD(p, 0.05f, 0.9f),
                Compiled::withDynamicBatch,
                s -> new Tensor[] {Tensor.uniform(30 + s, 0f, 1f, s, 1, 8, 8), OpCoverageTest.labels(s, 10)},
                new int[] {1, 2, 5, 16, 33, 3, 16, 1});
        assertEquals(1, dyn.compileCount(), "marked dynamic: one program from the first call");
        assertTrue(dyn.explain().contains("reshape(") && dyn.explain().contains("[s, 64]"), dyn.explain());
    }

    private static DynamicParity.Model gpt(long seed) {
        Gpt gpt = new Gpt(new GptConfig(11, 4, 1, 2, 16, 0.1f, true), seed);
        return new DynamicParity.Model(gpt.parameters(), in -> gpt.loss(in[0], in[1]));
    }

    @Test
    void gptWithDropout() {
        Compiled dyn = DynamicParity.assertSameTraining(DynamicBatchModelsTest::gpt, p -> new Adam(p, 3e-3f),
                Compiled::withDynamicBatch,
                s -> {
                    Random r = new Random(40 + s);
                    return new Tensor[] {GptCompiledTest.ids(r, 11, s, 4), GptCompiledTest.ids(r, 11, s, 4)};
                },
                new int[] {2, 1, 5, 2, 1});
        assertEquals(1, dyn.compileCount());
        String explain = dyn.explain();
        assertTrue(explain.contains("[4·s, 11]") && explain.contains("bernoulli_mask"), "the flattened logits and the masks: " + explain);
    }
}
