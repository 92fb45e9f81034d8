package org.jitgrad.app.model;

import java.util.List;
import org.jitgrad.optim.Adam;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;

/** The optimizers the app offers. */
public enum OptimizerKind {
    /** SGD with momentum 0.9. */
    SGD,
    /** Adam with PyTorch's default betas and eps. */
    ADAM;

    /** Momentum the app uses for SGD. */
    public static final float SGD_MOMENTUM = 0.9f;

    /** A fresh optimizer over {@code params}. */
    public Optimizer create(List<Tensor> params, float lr) {
        return switch (this) {
            case SGD -> new org.jitgrad.optim.SGD(params, lr, SGD_MOMENTUM);
            case ADAM -> new Adam(params, lr);
        };
    }

    /** The kind of an optimizer instance, or null for one the app does not know. */
    public static OptimizerKind of(Optimizer optimizer) {
        if (optimizer instanceof SGD) return SGD;
        if (optimizer != null && optimizer.getClass() == Adam.class) return ADAM;
        return null;
    }
}
