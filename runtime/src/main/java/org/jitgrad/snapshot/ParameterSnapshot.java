package org.jitgrad.snapshot;

import java.util.List;
import org.jitgrad.tensor.Tensor;

/**
 * The values of a model's parameters at one moment, with a version number. Immutable once
 * published: readers may use it from any thread without locking, and a prediction made from it never
 * mixes weights of two training steps.
 */
public final class ParameterSnapshot {
    private final long version;
    private final List<Tensor> sources;
    private final float[][] values;

    ParameterSnapshot(long version, List<Tensor> sources, float[][] values) {
        this.version = version;
        this.sources = sources;
        this.values = values;
    }

    /** The version: 1 for the first publication, then one more each time. */
    public long version() { return version; }

    /** The live parameters this snapshot was copied from, in order (identity tells which is which). */
    public List<Tensor> sources() { return sources; }

    /** The number of parameters. */
    public int size() { return values.length; }

    /** The values of parameter {@code i}: a shared array that must not be modified. */
    public float[] values(int i) { return values[i]; }

    /** A copy of parameter {@code i} as a tensor of its shape. */
    public Tensor tensor(int i) {
        return Tensor.of(values[i], sources.get(i).shape().dims());
    }

    /**
     * Writes these values into {@code target}'s parameters (same count and shapes, in order), outside autograd. Every
     * shape is checked before anything is written.
     *
     * @throws IllegalArgumentException if the count or a shape differs
     */
    public void copyInto(List<Tensor> target) {
        if (target.size() != values.length) {
            throw new IllegalArgumentException("snapshot has " + values.length + " parameters, target has " + target.size());
        }
        for (int i = 0; i < values.length; i++) {
            if (!target.get(i).shape().equals(sources.get(i).shape())) {
                throw new IllegalArgumentException("parameter " + i + ": snapshot shape " + sources.get(i).shape()
                        + " but target shape " + target.get(i).shape());
            }
        }
        for (int i = 0; i < values.length; i++) target.get(i).copyFrom(values[i]);
    }
}
