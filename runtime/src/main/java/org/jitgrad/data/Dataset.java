package org.jitgrad.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory set of {@code n} labelled examples for classification: a row-major
 * {@code n × featureCount} float feature matrix and one class index per example.
 *
 * <p>Instances are immutable as far as this class is concerned: the factory methods copy their
 * inputs and every derived dataset ({@link #split}, {@link #select}, {@link #scaled}) gets its own
 * arrays. For speed, {@link #features()} and {@link #labels()} return the backing arrays without
 * copying; callers must not modify them.
 */
public final class Dataset {

    /**
     * A dataset divided in two disjoint parts.
     *
     * @param train the training part
     * @param test the held-out part
     */
    public record Split(Dataset train, Dataset test) {
        /**
         * Checks that both parts are present.
         *
         * @param train the training part
         * @param test the held-out part
         */
        public Split {
            Objects.requireNonNull(train, "train");
            Objects.requireNonNull(test, "test");
        }
    }

    private final float[] features;
    private final int[] labels;
    private final int featureCount;
    private final int classCount;

    /** Takes ownership of already-validated arrays. */
    private Dataset(float[] features, int[] labels, int featureCount, int classCount) {
        this.features = features;
        this.labels = labels;
        this.featureCount = featureCount;
        this.classCount = classCount;
    }

    /**
     * Creates a dataset from copies of the given arrays.
     *
     * @param features row-major {@code labels.length × featureCount} feature values
     * @param labels class index of each example, each in {@code 0..classCount-1}
     * @param featureCount number of features per example, at least 1
     * @param classCount number of classes, at least 1
     * @return the dataset
     * @throws IllegalArgumentException if the lengths do not agree or a label is out of range
     */
    public static Dataset of(float[] features, int[] labels, int featureCount, int classCount) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        return wrap(features.clone(), labels.clone(), featureCount, classCount);
    }

    /**
     * Creates a dataset from copies of the given arrays, with {@code classCount} one more than the
     * largest label (or 1 for an empty dataset).
     *
     * @param features row-major {@code labels.length × featureCount} feature values
     * @param labels class index of each example, non-negative
     * @param featureCount number of features per example, at least 1
     * @return the dataset
     * @throws IllegalArgumentException if the lengths do not agree or a label is negative
     */
    public static Dataset of(float[] features, int[] labels, int featureCount) {
        Objects.requireNonNull(labels, "labels");
        int max = 0;
        for (int label : labels) {
            max = Math.max(max, label);
        }
        return of(features, labels, featureCount, max + 1);
    }

    /** Validates and takes ownership of the arrays (no copy); for the readers of this package. */
    static Dataset wrap(float[] features, int[] labels, int featureCount, int classCount) {
        if (featureCount < 1) {
            throw new IllegalArgumentException("featureCount must be at least 1, got " + featureCount);
        }
        if (classCount < 1) {
            throw new IllegalArgumentException("classCount must be at least 1, got " + classCount);
        }
        if ((long) labels.length * featureCount != features.length) {
            throw new IllegalArgumentException("features.length is " + features.length + " but " + labels.length
                    + " examples × " + featureCount + " features need " + (long) labels.length * featureCount);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classCount) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of example " + i + " is out of range 0.." + (classCount - 1));
            }
        }
        return new Dataset(features, labels, featureCount, classCount);
    }

    /** The number of examples. */
    public int size() {
        return labels.length;
    }

    /** The number of features per example. */
    public int featureCount() {
        return featureCount;
    }

    /** The number of classes; every label is in {@code 0..classCount()-1}. */
    public int classCount() {
        return classCount;
    }

    /**
     * Returns the backing row-major {@code size() × featureCount()} feature array, not a copy.
     *
     * @return the features; must not be modified
     */
    public float[] features() {
        return features;
    }

    /**
     * Returns the backing label array, not a copy.
     *
     * @return the class index of each example; must not be modified
     */
    public int[] labels() {
        return labels;
    }

    /**
     * The label of one example.
     *
     * @param example index in {@code 0..size()-1}
     * @return the class index of that example
     * @throws IndexOutOfBoundsException if {@code example} is out of range
     */
    public int label(int example) {
        return labels[Objects.checkIndex(example, labels.length)];
    }

    /**
     * One feature of one example.
     *
     * @param example index in {@code 0..size()-1}
     * @param feature index in {@code 0..featureCount()-1}
     * @return the value of that feature of that example
     * @throws IndexOutOfBoundsException if either index is out of range
     */
    public float feature(int example, int feature) {
        Objects.checkIndex(example, labels.length);
        Objects.checkIndex(feature, featureCount);
        return features[example * featureCount + feature];
    }

    /** The number of examples of each class, indexed by class (a new array). */
    public int[] classCounts() {
        int[] counts = new int[classCount];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * Returns a new dataset made of the given examples, in the given order (repeats allowed).
     *
     * @param indices example indices, each in {@code 0..size()-1}
     * @return the selected examples
     */
    public Dataset select(int[] indices) {
        float[] f = new float[Math.multiplyExact(indices.length, featureCount)];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int source = Objects.checkIndex(indices[i], labels.length);
            System.arraycopy(features, source * featureCount, f, i * featureCount, featureCount);
            l[i] = labels[source];
        }
        return new Dataset(f, l, featureCount, classCount);
    }

    /**
     * Returns a new dataset of the examples {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @param from first example
     * @param to one past the last example
     * @return the slice
     */
    public Dataset slice(int from, int to) {
        Objects.checkFromToIndex(from, to, labels.length);
        float[] f = Arrays.copyOfRange(features, from * featureCount, to * featureCount);
        int[] l = Arrays.copyOfRange(labels, from, to);
        return new Dataset(f, l, featureCount, classCount);
    }

    /**
     * Randomly divides the examples into a training and a test part. The examples are permuted
     * with a deterministic shuffle of {@code seed}; the first {@code round(size() × trainFraction)}
     * go to the training part, the rest to the test part, both in shuffled order. The same seed
     * always gives the same split.
     *
     * @param trainFraction fraction of examples for the training part, in [0, 1]
     * @param seed the shuffle seed
     * @return the two parts
     * @throws IllegalArgumentException if {@code trainFraction} is not in [0, 1]
     */
    public Split split(double trainFraction, long seed) {
        if (!(trainFraction >= 0.0 && trainFraction <= 1.0)) {
            throw new IllegalArgumentException("trainFraction must be in [0, 1], got " + trainFraction);
        }
        int n = size();
        int trainCount = (int) Math.round(n * trainFraction);
        int[] order = new int[n];
        SeededShuffle.permutation(order, seed);
        return new Split(select(Arrays.copyOfRange(order, 0, trainCount)),
                select(Arrays.copyOfRange(order, trainCount, n)));
    }

    /**
     * Returns a new dataset whose features are multiplied by {@code factor} (for example
     * {@code 1f / 255} for raw byte pixels). The readers of this package already scale to [0, 1].
     *
     * @param factor the multiplier
     * @return the scaled dataset
     */
    public Dataset scaled(float factor) {
        float[] f = new float[features.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = features[i] * factor;
        }
        return new Dataset(f, labels.clone(), featureCount, classCount);
    }

    @Override
    public String toString() {
        return "Dataset[size=" + size() + ", featureCount=" + featureCount + ", classCount=" + classCount + "]";
    }
}
