package org.jitgrad.optim;

import java.util.List;
import org.jitgrad.kernels.UpdateKernels;
import org.jitgrad.tensor.Tensor;

/**
 * Adam, and AdamW when {@code decoupledWeightDecay} is set, with PyTorch's semantics and bias correction.
 * {@link AdamW} is the decoupled variant. The weight decay may differ per parameter (PyTorch's parameter
 * groups, as far as weight decay goes; see {@link AdamW#withDecayOnMatrices}).
 */
public class Adam implements Optimizer {
    private final List<Tensor> params;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float[] weightDecay;
    private final boolean decoupled;
    private final String name;
    private final float[][] m;
    private final float[][] v;
    private float lr;
    private long step;
    private float biasCorrection1;
    private float biasCorrection2;

    /**
     * Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay.
     *
     * @param params the parameters, each marked {@code requiresGrad()} and listed once
     * @param lr     the learning rate, positive and finite
     * @throws IllegalArgumentException if {@code params} is empty, holds a tensor that is not a parameter or one
     *                                  twice, or {@code lr} is out of range
     */
    public Adam(List<Tensor> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f, false);
    }

    /**
     * Full form.
     *
     * @param params               the parameters, each marked {@code requiresGrad()} and listed once
     * @param lr                   the learning rate, positive and finite
     * @param beta1                the decay of the first-moment estimate, in {@code [0, 1)}
     * @param beta2                the decay of the second-moment estimate, in {@code [0, 1)}
     * @param eps                  added to the square root of the second moment, positive and finite
     * @param weightDecay          at least 0 and finite: an L2 penalty added to the gradient, or with
     *                             {@code decoupledWeightDecay} a shrinking {@code p -= lr·wd·p} (AdamW)
     * @param decoupledWeightDecay whether the weight decay is decoupled (AdamW) rather than added to the gradient
     * @throws IllegalArgumentException if {@code params} is empty, holds a tensor that is not a parameter or one
     *                                  twice, or a setting is out of range
     */
    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay,
                boolean decoupledWeightDecay) {
        this(params, lr, beta1, beta2, eps,
                Hyperparameters.sameForAll(name(decoupledWeightDecay), "weightDecay", weightDecay, params), decoupledWeightDecay);
    }

    /**
     * Full form with one weight decay per parameter ({@code weightDecays[i]} for {@code params.get(i)}); the
     * array is copied. The other settings are as in the form with one weight decay.
     *
     * @param weightDecays one weight decay per parameter, each at least 0 and finite
     * @throws IllegalArgumentException if the lengths differ, a weight decay is negative or not finite, or another
     *                                  setting or the parameter list is invalid
     */
    public Adam(List<Tensor> params, float lr, float beta1, float beta2, float eps, float[] weightDecays,
                boolean decoupledWeightDecay) {
        String name = name(decoupledWeightDecay);
        this.name = name;
        this.params = Hyperparameters.parameters(name, params);
        this.lr = Hyperparameters.positive(name, "lr", lr);
        this.beta1 = Hyperparameters.unitInterval(name, "beta1", beta1);
        this.beta2 = Hyperparameters.unitInterval(name, "beta2", beta2);
        this.eps = Hyperparameters.positive(name, "eps", eps);
        this.weightDecay = Hyperparameters.perParameter(name, "weightDecay", weightDecays, this.params);
        this.decoupled = decoupledWeightDecay;
        this.m = Hyperparameters.stateLike(this.params);
        this.v = Hyperparameters.stateLike(this.params);
    }

    private static String name(boolean decoupled) {
        return decoupled ? "AdamW" : "Adam";
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
        UpdateKernels.adam(param, grad, m[index], v[index], m[index].length, lr, beta1, beta2, eps, weightDecay[index],
                decoupled, biasCorrection1, biasCorrection2);
    }

    /** The weight decay applied to parameter {@code index}. */
    public float weightDecay(int index) { return weightDecay[index]; }

    /** Steps taken so far. */
    public long stepCount() { return step; }

    /**
     * Restores the step count (from a checkpoint): {@code 0 <= steps < Long.MAX_VALUE}, so that the next step counts on.
     * The moments are restored separately, through {@link #firstMoment} and {@link #secondMoment}.
     *
     * @throws IllegalArgumentException if {@code steps} is out of that range
     */
    public void setStepCount(long steps) {
        if (steps < 0 || steps == Long.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": step count must be in 0.." + (Long.MAX_VALUE - 1) + ", got " + steps);
        }
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
