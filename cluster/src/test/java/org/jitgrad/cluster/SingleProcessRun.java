package org.jitgrad.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jitgrad.nn.Losses;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Tensor;

/** The reference the cluster tests compare against: one process training on every row at once. */
final class SingleProcessRun {
    private SingleProcessRun() {}

    /**
     * {@code rounds} steps of {@code opt} on the cross-entropy of {@code model} over all of {@code x}; asserts that the
     * loss fell, so a comparison with a run that learned nothing cannot pass.
     */
    static void train(Sequential model, Optimizer opt, Tensor x, Tensor y, int rounds) {
        float firstLoss = Float.NaN, lastLoss = Float.NaN;
        for (int step = 0; step < rounds; step++) {
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(model.forward(x), y);
            loss.backward();
            opt.step();
            if (step == 0) firstLoss = loss.item();
            lastLoss = loss.item();
        }
        assertTrue(lastLoss < firstLoss - 0.05, "the reference run learns something: " + firstLoss + " -> " + lastLoss);
    }
}
