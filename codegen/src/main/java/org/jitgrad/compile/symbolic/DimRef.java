package org.jitgrad.compile.symbolic;

/**
 * One dynamic dimension of a compiled function's inputs: axis {@code axis} of input {@code input}.
 * All the dynamic dimensions of one program are one size {@code s} (the batch of every input).
 */
public record DimRef(int input, int axis) {
    @Override
    public String toString() { return "input " + input + " axis " + axis; }
}
