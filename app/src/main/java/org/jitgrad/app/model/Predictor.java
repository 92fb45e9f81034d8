package org.jitgrad.app.model;

import org.jitgrad.compile.Compiled;
import org.jitgrad.data.Batch;
import org.jitgrad.data.BatchIterator;
import org.jitgrad.data.Dataset;
import org.jitgrad.nn.Module;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Tensor;

/** Inference in batches: logits, probabilities, classes and accuracy. */
public final class Predictor {
    /** Rows per inference batch. */
    public static final int BATCH = 1000;

    private final Module model;
    private final Compiled compiled;
    private final InputNorm norm;

    /**
     * With {@link Engine#COMPILED} the forward pass is compiled (once, for every batch size); with the tape it runs
     * eagerly under {@link NoGrad}.
     */
    public Predictor(Module model, InputNorm norm, Engine engine) {
        this.model = model;
        this.norm = norm;
        this.compiled = engine == Engine.COMPILED ? Compiled.trace(in -> model.forward(in[0])).withDynamicBatch() : null;
    }

    /** Logits {@code [rows, classes]} for {@code rows} examples of raw (not yet standardized) features. */
    public float[] logits(float[] features, int rows, int featureCount) {
        float[] standardized = new float[rows * featureCount];
        norm.apply(features, standardized, standardized.length);
        Tensor x = Tensor.wrap(standardized, rows, featureCount);
        if (compiled != null) return compiled.forward(x).toArray();
        try (NoGrad ignored = NoGrad.enter()) {
            return model.forward(x).toArray();
        }
    }

    /** The fraction of {@code data} classified correctly. */
    public double accuracy(Dataset data) {
        if (data.size() == 0) return Double.NaN;
        long correct = 0;
        BatchIterator it = BatchIterator.sequential(data, Math.min(BATCH, data.size()), false);
        for (Batch b : it.epoch(0)) {
            float[] logits = logits(b.features(), b.size(), b.featureCount());
            int classes = logits.length / b.size();
            for (int r = 0; r < b.size(); r++) {
                if (argmax(logits, r * classes, classes) == (int) b.labels()[r]) correct++;
            }
        }
        return (double) correct / data.size();
    }

    /** Index of the largest of {@code values[from..from+n)}. */
    public static int argmax(float[] values, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (values[from + i] > values[from + best]) best = i;
        return best;
    }

    /** Softmax of {@code logits[from..from+n)}, in double for a stable sum. */
    public static double[] softmax(float[] logits, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[from + i]);
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += p[i] = Math.exp(logits[from + i] - max);
        for (int i = 0; i < n; i++) p[i] /= sum;
        return p;
    }
}
