package org.jitgrad.snapshot;

import java.util.List;
import org.jitgrad.tensor.Tensor;

/**
 * Publishes consistent copies of live parameters for readers on other threads. The trainer calls
 * {@link #publish()} between steps (from the thread that updates the parameters); it costs one copy
 * of the weights and one volatile write. Readers call {@link #current()}: one volatile read, no lock.
 */
public final class SnapshotPublisher {
    private final List<Tensor> parameters;
    private volatile ParameterSnapshot current;

    /**
     * Publishes {@code parameters}; version 1 is published at once.
     *
     * @param parameters the live tensors to copy, in the order snapshots keep them (the list is copied)
     * @throws IllegalArgumentException if the list is empty
     */
    public SnapshotPublisher(List<Tensor> parameters) {
        if (parameters.isEmpty()) throw new IllegalArgumentException("SnapshotPublisher: no parameters");
        this.parameters = List.copyOf(parameters);
        publish();
    }

    /**
     * Copies the live parameters into a new snapshot and makes it current. Call it from the thread
     * that updates the parameters, between steps, so the copy never sees half an update.
     *
     * @return the new snapshot, whose version is one more than the previous one's
     */
    public synchronized ParameterSnapshot publish() {
        float[][] values = new float[parameters.size()][];
        for (int i = 0; i < values.length; i++) values[i] = parameters.get(i).storage().clone();
        ParameterSnapshot previous = current;
        ParameterSnapshot next = new ParameterSnapshot(previous == null ? 1 : previous.version() + 1, parameters, values);
        current = next;
        return next;
    }

    /** The latest published snapshot; never null. */
    public ParameterSnapshot current() {
        return current;
    }

    /** The live parameters, in snapshot order, as an unmodifiable list. */
    public List<Tensor> parameters() {
        return parameters;
    }
}
