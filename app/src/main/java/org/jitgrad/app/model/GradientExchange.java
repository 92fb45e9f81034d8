package org.jitgrad.app.model;

/**
 * What a {@link TrainStep} does between the backward pass and the optimizer's update, e.g. replace
 * every parameter's gradient by its average across processes. With {@link #NONE} the compiled engine
 * fuses the update into its generated code.
 */
@FunctionalInterface
public interface GradientExchange {
    /** Nothing between backward and update. */
    GradientExchange NONE = rows -> { };

    /**
     * Called with every parameter's {@code grad()} holding the gradient of this step's mean loss over
     * {@code rows} examples; may overwrite those gradients in place with the ones to apply.
     */
    void exchange(int rows);
}
