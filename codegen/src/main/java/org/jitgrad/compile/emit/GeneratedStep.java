package org.jitgrad.compile.emit;

import org.jitgrad.optim.Optimizer;

/**
 * The base of every generated class. A subclass holds one buffer set as fields and runs the whole
 * compiled program, as straight-line code, in {@link #run}. One instance serves one caller at a time.
 */
public abstract class GeneratedStep {
    /** The fused optimizer, or null. */
    protected final Optimizer optimizer;

    protected GeneratedStep(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    /**
     * Runs the program on these input arrays (in input order).
     *
     * @return the loss (element 0 of the output), or 0 for a forward-only program
     */
    public abstract float run(float[][] inputs);

    /** Points the parameter fields at these arrays (indexed by parameter slot) for the following runs. */
    public abstract void bindParameters(float[][] parameters);
}
