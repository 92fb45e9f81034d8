package org.jitgrad.cluster;

/**
 * What the members of a group average in each round. Every member of a group must average the same
 * thing: a member that joins with the other kind is refused as a mismatch.
 */
public enum Averaging {
    /**
     * The parameters' values. Each member trains on its own data with its own optimizer (whose state
     * stays local), then all adopt {@code Σ n_i·θ_i / Σ n_i}. One plain SGD step per round is
     * synchronous data-parallel SGD; more steps, or a stateful optimizer such as Adam, make it
     * (periodic) model averaging, which is not the single-process run. A member may join late: it
     * starts from the last round's model.
     */
    PARAMETERS("averaging parameters"),
    /**
     * The parameters' gradients. Each member computes the gradient of its own part of the batch, the
     * round writes {@code Σ n_i·g_i / Σ n_i} into every member's {@code grad()}, and every member then
     * applies the same optimizer step itself: starting from the same model, the optimizer state (Adam's
     * moments, step count) evolves identically on every member, so with a mean loss the run is the
     * single-process run on the whole batch, to float rounding, for any optimizer. A member cannot join
     * once the first round has completed (it would lack the optimizer state).
     */
    GRADIENTS("averaging gradients");

    private final String description;

    Averaging(String description) {
        this.description = description;
    }

    /** E.g. {@code averaging gradients}: the terms a member states when it joins. */
    public String describe() { return description; }
}
