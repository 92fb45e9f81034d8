package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * An MLP compiled with a dynamic batch: inference over every batch size from 1 to 1,024 and training
 * over every batch size from 1 to 256 compile at most twice (the first shape, then the program for
 * every size), and give what a program compiled for each shape alone gives.
 */
class DynamicBatchMlpTest {
    private static final int FEATURES = 20, CLASSES = 5;
    private static final int[] SAMPLED = {1, 2, 3, 7, 8, 9, 31, 64, 100, 255, 256, 257, 511, 1000, 1024};

    private static Sequential mlp(long seed) {
        return MLP.of(new int[] {FEATURES, 48, 32, CLASSES}, Activation.RELU, seed);
    }

    private static Tensor rows(Tensor all, int s) {
        return Tensor.of(Arrays.copyOf(all.storage(), s * all.shape().dim(1)), s, all.shape().dim(1));
    }

    @Test
    void inferenceOverEveryBatchSizeFrom1To1024CompilesTwice() {
        Sequential model = mlp(1);
        Tensor all = Tensor.randn(2, 1024, FEATURES);
        Compiled dynamic = Compiled.trace(in -> model.forward(in[0]));
        Compiled perShape = Compiled.trace(in -> model.forward(in[0])).withStaticShapes().withCacheSize(1);
        float[] whole = perShape.forward(all).toArray();
        for (int s = 1; s <= 1024; s++) {
            float[] out = dynamic.forward(rows(all, s)).toArray();
            // each row's logits depend on that row only: the first s rows of the whole batch's
            Engines.assertClose("batch " + s, Arrays.copyOf(whole, s * CLASSES), out, Engines.REL);
        }
        assertEquals(2, dynamic.compileCount(), "batch 1, then one program for every batch size");
        assertTrue(dynamic.explain().contains("dynamic dimension s = [input 0 axis 0]"), dynamic.explain());
        for (int s : SAMPLED) {
            Tensor x = rows(all, s);
            Engines.assertClose("batch " + s + " against its own program", perShape.forward(x).toArray(),
                    dynamic.forward(x).toArray(), DynamicParity.REL);
        }
        assertEquals(2, dynamic.compileCount());
    }

    @Test
    void trainingOverEveryBatchSizeFrom1To256CompilesTwiceAndMatchesTheTape() {
        Sequential model = mlp(3);
        Adam adam = new Adam(model.parameters(), 1e-3f);
        Compiled step = Compiled.trace(in -> Losses.crossEntropy(model.forward(in[0]), in[1])).withOptimizer(adam);
        List<Tensor> params = model.parameters();
        for (int s : DynamicParity.shuffled(DynamicParity.upTo(256), 4)) {
            Tensor x = Tensor.randn(s, s, FEATURES), y = OpCoverageTest.labels(s, CLASSES);
            if (s > 16 && s % 5 != 0 && s != 256) {  // every size runs; a third of them are checked against the tape (time)
                step.run(x, y);
                continue;
            }
            // the tape's loss and gradients at the current parameters; the compiled step computes the same, then updates
            for (Tensor p : params) p.setGrad(null);
            Tensor loss = Losses.crossEntropy(model.forward(x), y);
            loss.backward();
            float tapeLoss = loss.item();
            float[][] tapeGrads = params.stream().map(p -> p.grad().toArray()).toArray(float[][]::new);
            for (Tensor p : params) p.setGrad(null);
            float[][] before = params.stream().map(Tensor::toArray).toArray(float[][]::new);
            float compiled = step.run(x, y);
            Engines.assertClose("batch " + s + ": loss", new float[] {tapeLoss}, new float[] {compiled}, Engines.REL);
            for (int i = 0; i < params.size(); i++) {
                Engines.assertClose("batch " + s + ": gradient " + i, tapeGrads[i], params.get(i).grad().toArray(), Engines.REL);
                assertTrue(!Arrays.equals(before[i], params.get(i).toArray()), "batch " + s + ": Adam updated parameter " + i);
            }
        }
        assertEquals(2, step.compileCount(), "the first batch size, then one program for every batch size");
    }

    @Test
    void trainingWithAdamStepsAsTheProgramOfEachShape() {
        int[] sizes = {1, 2, 3, 7, 8, 9, 31, 32, 33, 64, 65, 100, 127, 128, 129, 200, 255, 256, 5, 256, 1, 17, 2, 129};
        Compiled dyn = DynamicParity.assertSameTraining(
                seed -> {
                    Sequential m = mlp(seed);
                    return new DynamicParity.Model(m.parameters(), in -> Losses.crossEntropy(m.forward(in[0]), in[1]));
                },
                p -> new Adam(p, 1e-2f), c -> c,
                s -> new Tensor[] {Tensor.randn(100 + s, s, FEATURES), OpCoverageTest.labels(s, CLASSES)}, sizes);
        assertEquals(2, dyn.compileCount());
    }

    @Test
    void meanSquaredErrorUsesTheRunTimeDivisor() {
        int[] sizes = {4, 1, 9, 2, 33, 4, 64};
        Compiled dyn = DynamicParity.assertSameTraining(
                seed -> {
                    Sequential m = MLP.of(new int[] {6, 16, 3}, Activation.TANH, seed);
                    return new DynamicParity.Model(m.parameters(), in -> Losses.mse(m.forward(in[0]), in[1]));
                },
                p -> new Adam(p, 1e-2f), Compiled::withDynamicBatch,
                s -> new Tensor[] {Tensor.randn(200 + s, s, 6), Tensor.randn(300 + s, s, 3)}, sizes);
        assertEquals(1, dyn.compileCount(), "marked dynamic: one program from the first call");
        assertTrue(dyn.explain().contains("scale(") && dyn.explain().contains("c=1/(3·s)"), "the mean's factor is 1/(3s): " + dyn.explain());
    }
}
