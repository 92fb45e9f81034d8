package org.jitgrad.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Mini-batch iterator over a {@link Dataset}, epoch by epoch.
 *
 * <p>Within an epoch every example is visited exactly once (or, with {@code dropLast}, every
 * example except the {@code size() % batchSize} left over after the last full batch). With
 * shuffling, the order of epoch {@code e} is a deterministic function of the seed and {@code e}
 * alone: the same seed and epoch number always give the same batches, whatever happened before,
 * and different epochs give different orders. Without shuffling, examples come in dataset order.
 *
 * <p>Typical use:
 * <pre>{@code
 * BatchIterator batches = BatchIterator.shuffled(train, 64, 42L, false);
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     for (Batch batch : batches.epoch(epoch)) {
 *         step(batch.features(), batch.labels(), batch.size());
 *     }
 * }
 * }</pre>
 *
 * <p>To avoid allocating per batch, the iterator owns two buffers for full batches and two for
 * the partial last batch, and alternates between them. Not thread-safe.
 */
public final class BatchIterator implements Iterator<Batch> {

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int[] order;
    private final int end;
    private final Batch[] fullBuffers = new Batch[2];
    private final Batch[] partialBuffers = new Batch[2];
    private int nextFull;
    private int nextPartial;
    private int epoch;
    private int position;

    private BatchIterator(Dataset dataset, int batchSize, boolean shuffle, long seed, boolean dropLast) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        int n = dataset.size();
        this.order = new int[n];
        this.end = dropLast ? n - n % batchSize : n;
        startEpoch(0);
    }

    /**
     * An iterator that visits the examples in dataset order.
     *
     * @param dataset the examples
     * @param batchSize examples per batch, at least 1
     * @param dropLast whether to skip the last batch when it has fewer than {@code batchSize} examples
     * @return the iterator, positioned at the start of epoch 0
     */
    public static BatchIterator sequential(Dataset dataset, int batchSize, boolean dropLast) {
        return new BatchIterator(dataset, batchSize, false, 0L, dropLast);
    }

    /**
     * An iterator that visits the examples in a fresh pseudo-random order each epoch, determined
     * by {@code seed} and the epoch number.
     *
     * @param dataset the examples
     * @param batchSize examples per batch, at least 1
     * @param seed the shuffle seed
     * @param dropLast whether to skip the last batch when it has fewer than {@code batchSize} examples
     * @return the iterator, positioned at the start of epoch 0
     */
    public static BatchIterator shuffled(Dataset dataset, int batchSize, long seed, boolean dropLast) {
        return new BatchIterator(dataset, batchSize, true, seed, dropLast);
    }

    /** The nominal number of examples per batch (the last batch of an epoch may hold fewer). */
    public int batchSize() {
        return batchSize;
    }

    /** Whether the last, partial batch of each epoch is skipped. */
    public boolean dropLast() {
        return dropLast;
    }

    /** The dataset iterated over. */
    public Dataset dataset() {
        return dataset;
    }

    /** The number of batches in one epoch: {@code ceil(n / batchSize)}, or {@code floor} with {@code dropLast}. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        // not (n + batchSize - 1) / batchSize: that overflows for a batch size near Integer.MAX_VALUE
        return dropLast || n % batchSize == 0 ? n / batchSize : n / batchSize + 1;
    }

    /** The epoch last started (0 before {@link #startEpoch} is first called). */
    public int epoch() {
        return epoch;
    }

    /**
     * Positions the iterator at the start of epoch {@code epoch}, computing that epoch's order.
     *
     * @param epoch the epoch number, non-negative
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public void startEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be non-negative, got " + epoch);
        }
        this.epoch = epoch;
        this.position = 0;
        if (shuffle) {
            SeededShuffle.permutation(order, SeededShuffle.derive(seed, epoch));
        } else {
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
        }
    }

    /**
     * Starts epoch {@code epoch} and returns an {@link Iterable} over its batches, for use in a
     * for-each loop.
     *
     * @param epoch the epoch number, non-negative
     * @return an {@code Iterable} whose {@code iterator()} is this iterator
     */
    public Iterable<Batch> epoch(int epoch) {
        startEpoch(epoch);
        return () -> this;
    }

    /** Whether the current epoch has another batch. */
    @Override
    public boolean hasNext() {
        return position < end;
    }

    /**
     * Returns the next batch of the current epoch.
     *
     * <p>The batch's arrays are reused: they are guaranteed valid only until the next call to
     * {@code next()} or {@link #startEpoch}. (Batches of equal size alternate between two buffers,
     * so in practice the previous batch survives one more call, but do not rely on it; call
     * {@link Batch#copy()} to keep a batch.)
     *
     * @return the batch
     * @throws NoSuchElementException if the epoch is over
     */
    @Override
    public Batch next() {
        if (position >= end) {
            throw new NoSuchElementException("epoch " + epoch + " is over; call startEpoch(" + (epoch + 1) + ")");
        }
        int size = Math.min(batchSize, end - position);
        Batch batch = buffer(size);
        int featureCount = dataset.featureCount();
        float[] source = dataset.features();
        int[] sourceLabels = dataset.labels();
        float[] features = batch.features();
        float[] labels = batch.labels();
        int[] indices = batch.indices();
        for (int row = 0; row < size; row++) {
            int example = order[position + row];
            System.arraycopy(source, example * featureCount, features, row * featureCount, featureCount);
            labels[row] = sourceLabels[example];
            indices[row] = example;
        }
        position += size;
        return batch;
    }

    private Batch buffer(int size) {
        int featureCount = dataset.featureCount();
        if (size == batchSize) {
            int slot = nextFull;
            nextFull ^= 1;
            if (fullBuffers[slot] == null) {
                fullBuffers[slot] = new Batch(size, featureCount);
            }
            return fullBuffers[slot];
        }
        int slot = nextPartial;
        nextPartial ^= 1;
        if (partialBuffers[slot] == null) {
            partialBuffers[slot] = new Batch(size, featureCount);
        }
        return partialBuffers[slot];
    }

    @Override
    public String toString() {
        return "BatchIterator[" + dataset + ", batchSize=" + batchSize + ", shuffle=" + shuffle
                + ", dropLast=" + dropLast + ", epoch=" + epoch + ", position=" + position + "]";
    }
}
