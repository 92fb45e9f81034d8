package org.jitgrad.data;

import java.util.Arrays;

/**
 * One mini-batch of examples produced by a {@link BatchIterator}.
 *
 * <p>Batches returned by {@link BatchIterator#next()} share their arrays with the iterator, which
 * reuses them (see {@link BatchIterator#next()} for how long they stay valid); use {@link #copy()}
 * to keep a batch. The arrays have exactly {@link #size()} rows, so a partial last batch has
 * shorter arrays than a full one.
 */
public final class Batch {

    private final float[] features;
    private final float[] labels;
    private final int[] indices;
    private final int featureCount;

    Batch(int size, int featureCount) {
        this(new float[Math.multiplyExact(size, featureCount)], new float[size], new int[size], featureCount);
    }

    private Batch(float[] features, float[] labels, int[] indices, int featureCount) {
        this.features = features;
        this.labels = labels;
        this.indices = indices;
        this.featureCount = featureCount;
    }

    /** The number of examples (rows) in this batch. */
    public int size() {
        return labels.length;
    }

    /** The number of features per example. */
    public int featureCount() {
        return featureCount;
    }

    /**
     * Row-major {@code size() × featureCount()} features. The array belongs to the batch.
     *
     * @return the features, exactly {@code size() × featureCount()} long
     */
    public float[] features() {
        return features;
    }

    /**
     * Class index of each example as a float ({@code 3} becomes {@code 3.0f}), the form the
     * classification losses take. The array belongs to the batch.
     *
     * @return the labels, exactly {@code size()} long
     */
    public float[] labels() {
        return labels;
    }

    /**
     * Index in the source dataset of each example of the batch. The array belongs to the batch.
     *
     * @return the example indices, exactly {@code size()} long
     */
    public int[] indices() {
        return indices;
    }

    /** An independent copy of this batch, with its own arrays. */
    public Batch copy() {
        return new Batch(features.clone(), labels.clone(), indices.clone(), featureCount);
    }

    @Override
    public String toString() {
        return "Batch[size=" + size() + ", featureCount=" + featureCount + ", indices="
                + Arrays.toString(Arrays.copyOf(indices, Math.min(8, indices.length)))
                + (indices.length > 8 ? "..." : "") + "]";
    }
}
