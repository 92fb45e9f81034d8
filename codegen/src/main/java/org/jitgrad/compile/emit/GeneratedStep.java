package org.jitgrad.compile.emit;

import org.jitgrad.optim.Optimizer;

/**
 * The base of every generated class. A subclass holds one buffer set as fields and runs the whole
 * compiled program, as straight-line code, in {@link #run}. One instance serves one caller at a time.
 */
public abstract class GeneratedStep {
    private static final int[] NO_SIZES = new int[0];

    /** The fused optimizer, or null. */
    protected final Optimizer optimizer;

    /**
     * The size table of a program with a dynamic dimension: the sizes that depend on it, for the
     * current call's size ({@link Extent#slot()} indexes it). Empty for a program of one shape.
     */
    protected int[] sizes = NO_SIZES;

    protected GeneratedStep(Optimizer optimizer) {
        this.optimizer = optimizer;
    }

    /**
     * Runs the program on these input arrays (in input order).
     *
     * @return the loss (element 0 of the output), or 0 for a forward-only program
     */
    public abstract float run(float[][] inputs);

    /**
     * Makes the program read its run-time sizes from {@code table}, which the caller owns and
     * rewrites in place (no allocation) whenever the dynamic size changes between runs.
     */
    public final void useSizes(int[] table) {
        this.sizes = table;
    }

    /** Points the parameter fields at these arrays (indexed by parameter slot) for the following runs. */
    public abstract void bindParameters(float[][] parameters);
}
