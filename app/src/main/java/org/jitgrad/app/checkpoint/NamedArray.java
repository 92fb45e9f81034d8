package org.jitgrad.app.checkpoint;

import java.util.Arrays;

/** A named float array with a shape: a parameter or a piece of optimizer state. */
public record NamedArray(String name, int[] shape, float[] values) {
    public NamedArray {
        long n = 1;
        for (int d : shape) n *= d;
        if (n != values.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
        }
        shape = shape.clone();
    }

    @Override
    public int[] shape() { return shape.clone(); }

    /** Number of values. */
    public int size() { return values.length; }
}
