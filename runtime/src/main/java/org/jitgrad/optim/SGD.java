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

    /**
     * SGD with momentum, no weight decay.
     *
     * @param params   the parameters, each marked {@code requiresGrad()} and listed once
     * @param lr       the learning rate, positive and finite
     * @param momentum the momentum factor in {@code [0, 1)}; 0 for plain gradient descent
     * @throws IllegalArgumentException if {@code params} is empty, holds a tensor that is not a parameter or one
     *                                  twice, or a setting is out of range
     */
    public SGD(List<Tensor> params, float lr, float momentum) {
        this(params, lr, momentum, 0f, false);
    }

    /**
     * Full form. {@code nesterov} needs a positive momentum.
     *
     * @param params      the parameters, each marked {@code requiresGrad()} and listed once
     * @param lr          the learning rate, positive and finite
     * @param momentum    the momentum factor in {@code [0, 1)}
     * @param weightDecay the L2 penalty added to the gradient ({@code g + wd·p}), at least 0 and finite
     * @param nesterov    whether to use Nesterov momentum
     * @throws IllegalArgumentException if {@code params} is empty, holds a tensor that is not a parameter or one
     *                                  twice, a setting is out of range, or {@code nesterov} is set with momentum 0
     */
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

    /** The momentum factor. */
    public float momentum() { return momentum; }

    /** The weight decay (L2 penalty). */
    public float weightDecay() { return weightDecay; }

    /** Whether Nesterov momentum is used. */
    public boolean nesterov() { return nesterov; }

    @Override
    public float learningRate() { return lr; }

    @Override
    public void setLearningRate(float lr) { this.lr = Hyperparameters.positive("SGD", "lr", lr); }
}
