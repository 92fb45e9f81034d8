package org.jitgrad.app.cluster;

import java.util.List;
import org.jitgrad.app.model.GradientExchange;
import org.jitgrad.data.Batch;

/** What {@code jitgrad train} does with other processes: nothing, or data-parallel training ({@link DataParallelTraining}). */
public interface TrainingSync extends AutoCloseable {
    /** Examples to step on: the first {@code size} rows of {@code features} ({@code size x featureCount}) and {@code labels} ({@code size}). */
    record Rows(float[] features, float[] labels, int size) {}

    /** This process's part of a batch (valid until the next call). */
    Rows mine(Batch batch);

    /** What the step does between its backward pass and its update ({@link GradientExchange#NONE}: nothing). */
    GradientExchange gradientExchange();

    /** After every optimizer step, with the examples it stepped on. */
    void afterStep(int rows);

    /** At the end of every epoch, before the evaluation: the model must be the same on every member. */
    void endEpoch();

    /** Lines for the end of the run. */
    List<String> summary();

    @Override
    void close();

    /** Training alone: every batch whole. */
    TrainingSync ALONE = new TrainingSync() {
        @Override
        public Rows mine(Batch batch) { return new Rows(batch.features(), batch.labels(), batch.size()); }

        @Override
        public GradientExchange gradientExchange() { return GradientExchange.NONE; }

        @Override
        public void afterStep(int rows) {}

        @Override
        public void endEpoch() {}

        @Override
        public List<String> summary() { return List.of(); }

        @Override
        public void close() {}
    };
}
