package org.jitgrad.app.serve;

/**
 * Averages the trainer's model with other replicas now and then. Called by the trainer thread only,
 * between steps and, when no example is queued, at least every {@link #CHECK_NANOS}: a replica
 * without traffic still takes part in the rounds the others start.
 */
public interface ModelMerge extends AutoCloseable {
    /** How often an idle trainer asks {@link #due}. */
    long CHECK_NANOS = 100_000_000L;

    /** Whether to merge now, given the examples trained since the last merge. */
    boolean due(long examplesSinceLast, long nowNanos);

    /**
     * Contributes the live parameters with weight {@code examplesSinceLast}, waits for the others and
     * writes the average into the live parameters.
     *
     * @return whether the parameters changed (false when no replica had trained anything)
     */
    boolean merge(long examplesSinceLast);

    /** Rounds completed. */
    long rounds();

    /** Leaves the other replicas (their rounds stop waiting for this one). */
    @Override
    void close();
}
