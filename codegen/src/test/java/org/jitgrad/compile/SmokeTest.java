package org.jitgrad.compile;

import java.util.List;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void tinyMlpMse() {
        Sequential model = MLP.of(new int[] {32, 64, 64, 1}, Activation.TANH, 1);
        Tensor x = Tensor.randn(2, 16, 32);
        Tensor y = Tensor.randn(3, 16, 1);
        TensorFn fn = in -> Losses.mse(model.forward(in[0]), in[1]);
        Engines.assertSameLossAndGradients(fn, model.parameters(), x, y);
        Compiled c = Compiled.trace(fn);
        c.run(x, y);
        System.out.println(c.explain());
    }

    @Test
    void mnistLikeCrossEntropy() {
        Sequential model = MLP.of(new int[] {784, 256, 128, 10}, Activation.RELU, 1);
        Tensor x = Tensor.randn(2, 64, 784);
        float[] labels = new float[64];
        for (int i = 0; i < 64; i++) labels[i] = i % 10;
        Tensor y = Tensor.of(labels, 64);
        Engines.assertSameLossAndGradients(in -> Losses.crossEntropy(model.forward(in[0]), in[1]), model.parameters(), x, y);
    }
}
