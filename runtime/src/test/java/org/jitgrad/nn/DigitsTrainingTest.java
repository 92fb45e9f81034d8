package org.jitgrad.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Function;
import org.jitgrad.data.Batch;
import org.jitgrad.data.BatchIterator;
import org.jitgrad.data.Dataset;
import org.jitgrad.data.DigitsCsv;
import org.jitgrad.optim.Adam;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real training run on the tape: MLP 64-64-10 (tanh) on the UCI digits, held-out 20 %. */
class DigitsTrainingTest {
    private static Dataset.Split split;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = DigitsTrainingTest.class.getResourceAsStream("/data/digits.csv.gz")) {
            split = DigitsCsv.read(in, "/data/digits.csv.gz").split(0.8, 7);
        }
    }

    @Test
    void sgdWithMomentumReaches95Percent() {
        double acc = train(params -> new SGD(params, 0.05f, 0.9f), 30);
        System.out.println("digits 64-64-10 tanh, SGD momentum, 30 epochs: held-out accuracy " + acc);
        assertTrue(acc >= 0.95, "held-out accuracy " + acc);
    }

    @Test
    void adamReaches95Percent() {
        double acc = train(params -> new Adam(params, 0.003f), 30);
        System.out.println("digits 64-64-10 tanh, Adam, 30 epochs: held-out accuracy " + acc);
        assertTrue(acc >= 0.95, "held-out accuracy " + acc);
    }

    private static double train(Function<List<Tensor>, Optimizer> optimizer, int epochs) {
        Sequential model = MLP.of(new int[] {64, 64, 10}, Activation.TANH, 42);
        Optimizer opt = optimizer.apply(model.parameters());
        BatchIterator batches = BatchIterator.shuffled(split.train(), 32, 1, false);
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (Batch b : batches.epoch(epoch)) {
                Tensor x = Tensor.of(b.features(), b.size(), b.featureCount());
                Tensor y = Tensor.of(b.labels(), b.size());
                opt.zeroGrad();
                Losses.crossEntropy(model.forward(x), y).backward();
                opt.step();
            }
        }
        return accuracy(model, split.test());
    }

    static double accuracy(Module model, Dataset test) {
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor logits = model.forward(Tensor.of(test.features(), test.size(), test.featureCount()));
            float[] l = logits.toArray();
            int classes = logits.shape().dim(1), correct = 0;
            for (int r = 0; r < test.size(); r++) {
                int best = 0;
                for (int c = 1; c < classes; c++) if (l[r * classes + c] > l[r * classes + best]) best = c;
                if (best == test.label(r)) correct++;
            }
            return correct / (double) test.size();
        }
    }
}
