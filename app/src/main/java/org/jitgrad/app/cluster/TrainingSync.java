package org.jitgrad.app.cluster;

import java.util.List;
import org.jitgrad.data.Dataset;

/** What {@code jitgrad train} does with other processes: nothing, or data-parallel training ({@link DataParallelTraining}). */
public interface TrainingSync extends AutoCloseable {
    /** The part of the training set this process trains on. */
    Dataset shard(Dataset train, long seed);

    /** After every optimizer step, with the batch's examples. */
    void afterStep(int rows);

    /** At the end of every epoch, before the evaluation: the model must be the same on every member. */
    void endEpoch();

    /** Lines for the end of the run. */
    List<String> summary();

    @Override
    void close();

    /** Training alone. */
    TrainingSync ALONE = new TrainingSync() {
        @Override
        public Dataset shard(Dataset train, long seed) { return train; }

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
