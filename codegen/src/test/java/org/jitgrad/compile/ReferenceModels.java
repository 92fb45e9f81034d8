package org.jitgrad.compile;

import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.tensor.Tensor;

/** The four reference workloads (sizes, activation, batch, loss), as in the PyTorch peer script. */
enum ReferenceModels {
    TINY(new int[] {32, 64, 64, 1}, Activation.TANH, 16, false),
    MNIST(new int[] {784, 256, 128, 10}, Activation.RELU, 64, true),
    WIDE(new int[] {1024, 1024, 1024, 10}, Activation.RELU, 256, true),
    DEEP(deepSizes(), Activation.TANH, 32, true);

    final int[] sizes;
    final Activation activation;
    final int batch;
    final boolean crossEntropy;

    ReferenceModels(int[] sizes, Activation activation, int batch, boolean crossEntropy) {
        this.sizes = sizes;
        this.activation = activation;
        this.batch = batch;
        this.crossEntropy = crossEntropy;
    }

    private static int[] deepSizes() {
        int[] s = new int[102];
        java.util.Arrays.fill(s, 64);
        s[101] = 10;
        return s;
    }

    Sequential model(long seed) {
        return MLP.of(sizes, activation, seed);
    }

    Tensor input(long seed) {
        return Tensor.randn(seed, batch, sizes[0]);
    }

    Tensor target(long seed) {
        int classes = sizes[sizes.length - 1];
        if (!crossEntropy) return Tensor.randn(seed, batch, classes);
        float[] labels = new float[batch];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < batch; i++) labels[i] = r.nextInt(classes);
        return Tensor.of(labels, batch);
    }

    TensorFn loss(Sequential model) {
        return crossEntropy
                ? in -> Losses.crossEntropy(model.forward(in[0]), in[1])
                : in -> Losses.mse(model.forward(in[0]), in[1]);
    }
}
