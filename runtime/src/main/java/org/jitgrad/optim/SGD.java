package org.jitgrad.optim;

import java.util.List;
import org.jitgrad.kernels.UpdateKernels;
import org.jitgrad.tensor.Tensor;

/**
 * Stochastic gradient descent with optional momentum, weight decay and Nesterov momentum, as PyTorch
 * defines it: {@code d = g + wd·p; v = μ·v + d; p -= lr·(nesterov ? d + μ·v : v)}.
 */
public final class SGD implements Optimizer {
    private final List<Tensor> params;
    private final float momentum;
    private final float weightDecay;
    private final boolean nesterov;
    private final float[][] velocity;
    private float lr;

    /** SGD with momentum, no weight decay. */
    public SGD(List<Tensor> params, float lr, float momentum) {
        this(params, lr, momentum, 0f, false);
    }

    /** Full form. {@code nesterov} needs a positive momentum. */
    public SGD(List<Tensor> params, float lr, float momentum, float weightDecay, boolean nesterov) {
        this.params = Hyperparameters.parameters("SGD", params);
        this.lr = Hyperparameters.positive("SGD", "lr", lr);
        this.momentum = Hyperparameters.unitInterval("SGD", "momentum", momentum);
        this.weightDecay = Hyperparameters.nonNegative("SGD", "weightDecay", weightDecay);
        if (nesterov && momentum == 0f) throw new IllegalArgumentException("SGD: nesterov needs momentum > 0");
        this.nesterov = nesterov;
        this.velocity = Hyperparameters.stateLike(this.params);
    }

    @Override
    public List<Tensor> parameters() { return params; }

    @Override
    public void beginStep() {}

    @Override
    public void update(int index, float[] param, float[] grad) {
        UpdateKernels.sgd(param, grad, velocity[index], velocity[index].length, lr, momentum, weightDecay, nesterov);
    }

    /** The momentum buffer of parameter {@code index} (live). */
    public float[] velocity(int index) { return velocity[index]; }

    public float momentum() { return momentum; }

    public float weightDecay() { return weightDecay; }

    public boolean nesterov() { return nesterov; }

    @Override
    public float learningRate() { return lr; }

    @Override
    public void setLearningRate(float lr) { this.lr = Hyperparameters.positive("SGD", "lr", lr); }
}
