package org.jitgrad.optim;

import java.util.List;
import org.jitgrad.tensor.Tensor;

/**
 * Adam with decoupled weight decay ({@code p -= lr·wd·p} before the Adam step), as in PyTorch's AdamW.
 * The weight decay may differ per parameter; {@link #withDecayOnMatrices} gives nanoGPT's two groups.
 */
public final class AdamW extends Adam {
    /**
     * AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01 on every parameter.
     *
     * @throws IllegalArgumentException if {@code params} is empty, holds a tensor that is not a parameter or one
     *                                  twice, or {@code lr} is not positive and finite
     */
    public AdamW(List<Tensor> params, float lr) {
        this(params, lr, 0.01f);
    }

    /**
     * AdamW with the given weight decay on every parameter and default betas and eps.
     *
     * @throws IllegalArgumentException as {@link #AdamW(List, float, float, float, float, float)}
     */
    public AdamW(List<Tensor> params, float lr, float weightDecay) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay);
    }

    /**
     * Full form: one weight decay for every parameter. The settings are those of
     * {@link Adam#Adam(List, float, float, float, float, float, boolean)} with decoupled weight decay.
     *
     * @throws IllegalArgumentException if {@code params} is empty, holds a tensor that is not a parameter or one
     *                                  twice, or a setting is out of range
     */
    public AdamW(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay, true);
    }

    /**
     * Full form with one weight decay per parameter ({@code weightDecays[i]} for {@code params.get(i)}); the array is
     * copied.
     *
     * @param weightDecays one decoupled weight decay per parameter, each at least 0 and finite
     * @throws IllegalArgumentException if the lengths differ or a weight decay is negative or not finite
     */
    public AdamW(List<Tensor> params, float lr, float beta1, float beta2, float eps, float[] weightDecays) {
        super(params, lr, beta1, beta2, eps, weightDecays, true);
    }

    /**
     * nanoGPT's parameter groups: {@code weightDecay} for parameters of rank 2 or more (matmul weights,
     * embeddings), none for the others (biases, layer-norm gains and shifts). nanoGPT uses
     * {@code withDecayOnMatrices(params, lr, 0.9f, 0.99f, 1e-8f, 0.1f)}.
     *
     * @throws IllegalArgumentException if {@code weightDecay} is negative or not finite, or another setting or the
     *                                  parameter list is invalid
     * @throws NullPointerException     if {@code params} is null
     */
    public static AdamW withDecayOnMatrices(List<Tensor> params, float lr, float beta1, float beta2, float eps,
                                            float weightDecay) {
        Hyperparameters.nonNegative("AdamW", "weightDecay", weightDecay);
        if (params == null) throw new NullPointerException("AdamW: params is null");
        float[] decays = new float[params.size()];
        for (int i = 0; i < decays.length; i++) {
            Tensor p = params.get(i);
            decays[i] = p != null && p.rank() >= 2 ? weightDecay : 0f;
        }
        return new AdamW(params, lr, beta1, beta2, eps, decays);
    }
}
