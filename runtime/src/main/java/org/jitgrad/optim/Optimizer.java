package org.jitgrad.optim;

import java.util.List;
import org.jitgrad.tensor.Tensor;

/**
 * Updates parameters from their gradients. A step is {@link #beginStep()} followed by
 * {@link #update(int, float[], float[])} for each parameter; the compiler's fused update calls the same
 * two methods from generated code, so the tape and the compiled step update identically.
 */
public interface Optimizer {
    /** The parameters, in a fixed order, each once; {@code update}'s index refers to it. */
    List<Tensor> parameters();

    /** Starts a step (advances step counters, such as Adam's for its bias correction). */
    void beginStep();

    /**
     * Updates parameter {@code index} in place from its gradient, and the optimizer's state for it.
     *
     * @param index the parameter's position in {@link #parameters()}
     * @param param the parameter's values, written in place
     * @param grad  its gradient, only read; the same length as {@code param}
     */
    void update(int index, float[] param, float[] grad);

    /**
     * One step: {@link #beginStep()}, then {@link #update} of every parameter that has a gradient (one whose
     * {@code grad()} is null is left alone, but the step still counts for it). Not thread-safe.
     */
    default void step() {
        beginStep();
        List<Tensor> ps = parameters();
        for (int i = 0; i < ps.size(); i++) {
            Tensor p = ps.get(i);
            if (p.grad() != null) update(i, p.storage(), p.grad().storage());
        }
    }

    /** Zeros every parameter's gradient in place; a parameter without one keeps none. */
    default void zeroGrad() {
        for (Tensor p : parameters()) p.zeroGrad();
    }

    /** The learning rate. */
    float learningRate();

    /**
     * Changes the learning rate (for schedules); it applies from the next update, in a compiled step too.
     *
     * @throws IllegalArgumentException if {@code lr} is not positive and finite
     */
    void setLearningRate(float lr);
}
