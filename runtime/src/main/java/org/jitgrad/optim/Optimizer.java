package org.jitgrad.optim;

import java.util.List;
import org.jitgrad.tensor.Tensor;

/**
 * Updates parameters from their gradients. A step is {@link #beginStep()} followed by
 * {@link #update(int, float[], float[])} for each parameter; the compiler's fused update calls the same
 * two methods from generated code, so the tape and the compiled step update identically.
 */
public interface Optimizer {
    /** The parameters, in a fixed order; {@code update}'s index refers to it. */
    List<Tensor> parameters();

    /** Starts a step (advances step counters). */
    void beginStep();

    /** Updates parameter {@code index} in place from its gradient; both arrays hold the parameter's size. */
    void update(int index, float[] param, float[] grad);

    /** Applies one update to every parameter that has a gradient. */
    default void step() {
        beginStep();
        List<Tensor> ps = parameters();
        for (int i = 0; i < ps.size(); i++) {
            Tensor p = ps.get(i);
            if (p.grad() != null) update(i, p.storage(), p.grad().storage());
        }
    }

    /** Zeros every parameter's gradient. */
    default void zeroGrad() {
        for (Tensor p : parameters()) p.zeroGrad();
    }

    /** The learning rate. */
    float learningRate();

    /** Changes the learning rate (for schedules). */
    void setLearningRate(float lr);
}
