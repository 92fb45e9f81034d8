package org.jitgrad.app.model;

import org.jitgrad.data.Dataset;

/**
 * Input standardization {@code x' = (x - mean) / std}, with one mean and one standard deviation over
 * all the training set's features. Part of the model description: a model only works on inputs
 * prepared the way it was trained on, so checkpoints store it.
 */
public record InputNorm(float mean, float std) {
    /** No change. */
    public static final InputNorm IDENTITY = new InputNorm(0f, 1f);

    public InputNorm {
        if (!Float.isFinite(mean) || !(std > 0f) || !Float.isFinite(std)) {
            throw new IllegalArgumentException("input normalization needs a finite mean and a positive std, got " + mean + ", " + std);
        }
    }

    /** The mean and standard deviation of all of {@code data}'s features. */
    public static InputNorm of(Dataset data) {
        float[] f = data.features();
        if (f.length == 0) return IDENTITY;
        double sum = 0, sumSq = 0;
        for (float v : f) {
            sum += v;
            sumSq += (double) v * v;
        }
        double mean = sum / f.length;
        double std = Math.sqrt(Math.max(0, sumSq / f.length - mean * mean));
        return std > 1e-6 ? new InputNorm((float) mean, (float) std) : new InputNorm((float) mean, 1f);
    }

    /** Writes the standardized {@code src[0..n)} to {@code dst}. */
    public void apply(float[] src, float[] dst, int n) {
        float scale = 1f / std;
        for (int i = 0; i < n; i++) dst[i] = (src[i] - mean) * scale;
    }
}
