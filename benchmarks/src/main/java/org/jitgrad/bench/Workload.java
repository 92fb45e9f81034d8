package org.jitgrad.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.jitgrad.compile.Compiled;
import org.jitgrad.compile.TensorFn;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;

/**
 * The four reference training workloads, as {@code benchmarks/torch_steps.py} (and the peers' script)
 * define them: an MLP through {@link #sizes()} with {@link #activation()} between the layers (none after
 * the last), one fixed batch, and SGD with lr 0.01 and momentum 0.9.
 *
 * <ul>
 *   <li>{@code tiny}: 32-64-64-1, tanh, batch 16, MSE against standard normal targets {@code [16, 1]}
 *   <li>{@code mnist}: 784-256-128-10, ReLU, batch 64, cross-entropy against random labels
 *   <li>{@code wide}: 1024-1024-1024-10, ReLU, batch 256, cross-entropy (about 2.7 GFLOP per step)
 *   <li>{@code deep}: 64 x 100 layers then 64-10, tanh, batch 32, cross-entropy
 * </ul>
 *
 * Every value (weights, inputs, targets) comes from fixed seeds, so two runs train the same model.
 */
public enum Workload {
    TINY(new int[] {32, 64, 64, 1}, Activation.TANH, 16, LossKind.MSE),
    MNIST(new int[] {784, 256, 128, 10}, Activation.RELU, 64, LossKind.CROSS_ENTROPY),
    WIDE(new int[] {1024, 1024, 1024, 10}, Activation.RELU, 256, LossKind.CROSS_ENTROPY),
    DEEP(deepSizes(), Activation.TANH, 32, LossKind.CROSS_ENTROPY);

    /** The loss each workload trains with. */
    public enum LossKind { MSE, CROSS_ENTROPY }

    public static final float LEARNING_RATE = 0.01f;
    public static final float MOMENTUM = 0.9f;
    public static final long MODEL_SEED = 42;
    public static final long INPUT_SEED = 1;
    public static final long TARGET_SEED = 2;

    private final int[] sizes;
    private final Activation activation;
    private final int batch;
    private final LossKind loss;

    Workload(int[] sizes, Activation activation, int batch, LossKind loss) {
        this.sizes = sizes;
        this.activation = activation;
        this.batch = batch;
        this.loss = loss;
    }

    /** [64] * 101 + [10]: one hundred Linear(64, 64) layers, then Linear(64, 10). */
    private static int[] deepSizes() {
        int[] s = new int[102];
        Arrays.fill(s, 64);
        s[101] = 10;
        return s;
    }

    /** The name used in JMH parameters and tables: {@code tiny}, {@code mnist}, {@code wide}, {@code deep}. */
    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** Parses {@link #id()} (any case). */
    public static Workload of(String id) {
        try {
            return valueOf(id.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown workload '" + id + "'; expected one of "
                    + Arrays.stream(values()).map(Workload::id).toList(), e);
        }
    }

    public int[] sizes() { return sizes.clone(); }

    public Activation activation() { return activation; }

    public int batch() { return batch; }

    public LossKind loss() { return loss; }

    /**
     * Floating-point operations of one training step's matrix products (2 per multiply-add): the forward
     * product and the weight gradient of every layer, and the input gradient of every layer but the
     * first (the batch needs no gradient). Elementwise work and the update are left out.
     */
    public double flopsPerStep() {
        double macs = 0;
        for (int i = 0; i + 1 < sizes.length; i++) {
            double layer = (double) batch * sizes[i] * sizes[i + 1];
            macs += (i == 0 ? 2 : 3) * layer;
        }
        return 2 * macs;
    }

    /** A fresh model, batch and loss function for this workload, all from the fixed seeds. */
    public Instance instantiate() {
        Sequential model = MLP.of(sizes, activation, MODEL_SEED);
        Tensor x = Tensor.randn(INPUT_SEED, batch, sizes[0]);
        Tensor y;
        if (loss == LossKind.MSE) {
            y = Tensor.randn(TARGET_SEED, batch, sizes[sizes.length - 1]);
        } else {
            int classes = sizes[sizes.length - 1];
            Random r = new Random(TARGET_SEED);
            float[] labels = new float[batch];
            for (int i = 0; i < batch; i++) labels[i] = r.nextInt(classes);
            y = Tensor.of(labels, batch);
        }
        return new Instance(this, model, x, y);
    }

    /** One workload's model and fixed batch. */
    public static final class Instance {
        private final Workload workload;
        private final Sequential model;
        private final Tensor x;
        private final Tensor y;

        Instance(Workload workload, Sequential model, Tensor x, Tensor y) {
            this.workload = workload;
            this.model = model;
            this.x = x;
            this.y = y;
        }

        public Workload workload() { return workload; }

        public Sequential model() { return model; }

        public Tensor x() { return x; }

        public Tensor y() { return y; }

        public List<Tensor> parameters() { return model.parameters(); }

        /** The workload's optimizer over this model: SGD, lr 0.01, momentum 0.9. */
        public Optimizer newOptimizer() {
            return new SGD(model.parameters(), LEARNING_RATE, MOMENTUM);
        }

        /** The loss on the tape: {@code loss(model(x), y)}. */
        public Tensor loss(Tensor input, Tensor target) {
            Tensor out = model.forward(input);
            return workload.loss == LossKind.MSE ? Losses.mse(out, target) : Losses.crossEntropy(out, target);
        }

        /** The function the compiler traces: {@code in -> loss(model(in[0]), in[1])}. */
        public TensorFn lossFn() {
            return in -> loss(in[0], in[1]);
        }

        /** A fresh, not yet compiled {@code Compiled} of {@link #lossFn()}. */
        public Compiled compiled() {
            return Compiled.trace(lossFn());
        }

        /** One tape training step: zero the gradients, forward, loss, backward, update. Returns the loss. */
        public float tapeStep(Optimizer opt) {
            opt.zeroGrad();
            Tensor l = loss(x, y);
            l.backward();
            opt.step();
            return l.item();
        }
    }
}
