package org.jitgrad.optim;

import java.util.List;
import org.jitgrad.tensor.Tensor;

/** Adam with decoupled weight decay ({@code p -= lr·wd·p} before the Adam step), as in PyTorch's AdamW. */
public final class AdamW extends Adam {
    /** AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<Tensor> params, float lr) {
        this(params, lr, 0.01f);
    }

    /** AdamW with the given weight decay and default betas and eps. */
    public AdamW(List<Tensor> params, float lr, float weightDecay) {
        super(params, lr, 0.9f, 0.999f, 1e-8f, weightDecay, true);
    }
}
