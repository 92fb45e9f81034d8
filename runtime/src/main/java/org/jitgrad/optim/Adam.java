package org.jitgrad.optim;

import java.util.List;
import org.jitgrad.kernels.UpdateKernels;
import org.jitgrad.tensor.Tensor;

/**
 * Adam, and AdamW when {@code decoupledWeightDecay} is set, with PyTorch's semantics and bias correction.
 * {@link AdamW} is the decoupled variant.
 */
public class Adam implements Optimizer {
    private final List<Tensor> params;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private final String name;
    private final float[][] m;
    private final float[][] v;
    private float lr;
    private long step;
    private float biasCorrection1;
    private float biasCorrection2;

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Tensor> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f, false);
    }

    /** Full form. */
    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay,
                boolean decoupledWeightDecay) {
        String name = decoupledWeightDecay ? "AdamW" : "Adam";
        this.name = name;
        this.params = Hyperparameters.parameters(name, params);
        this.lr = Hyperparameters.positive(name, "lr", lr);
        this.beta1 = Hyperparameters.unitInterval(name, "beta1", beta1);
        this.beta2 = Hyperparameters.unitInterval(name, "beta2", beta2);
        this.eps = Hyperparameters.positive(name, "eps", eps);
        this.weightDecay = Hyperparameters.nonNegative(name, "weightDecay", weightDecay);
        this.decoupled = decoupledWeightDecay;
        this.m = Hyperparameters.stateLike(this.params);
        this.v = Hyperparameters.stateLike(this.params);
    }

    @Override
    public List<Tensor> parameters() { return params; }

    @Override
    public void beginStep() {
        step++;
        biasCorrection1 = (float) (1.0 - Math.pow(beta1, step));
        biasCorrection2 = (float) (1.0 - Math.pow(beta2, step));
    }

    @Override
    public void update(int index, float[] param, float[] grad) {
        UpdateKernels.adam(param, grad, m[index], v[index], m[index].length, lr, beta1, beta2, eps, weightDecay,
                decoupled, biasCorrection1, biasCorrection2);
    }

    /** Steps taken so far. */
    public long stepCount() { return step; }

    /** Restores the step count (from a checkpoint). */
    public void setStepCount(long steps) {
        if (steps < 0) throw new IllegalArgumentException(name + ": step count must be >= 0, got " + steps);
        this.step = steps;
    }

    /** First-moment estimate of parameter {@code index} (live). */
    public float[] firstMoment(int index) { return m[index]; }

    /** Second-moment estimate of parameter {@code index} (live). */
    public float[] secondMoment(int index) { return v[index]; }

    @Override
    public float learningRate() { return lr; }

    @Override
    public void setLearningRate(float lr) { this.lr = Hyperparameters.positive(name, "lr", lr); }
}
