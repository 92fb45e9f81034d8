package org.jitgrad.app.gpt;

import org.jitgrad.app.model.Engine;
import org.jitgrad.compile.Compiled;
import org.jitgrad.data.TextSplit;
import org.jitgrad.data.WindowSampler;
import org.jitgrad.nn.Gpt;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Tensor;

/**
 * nanoGPT's {@code estimate_loss}: the mean loss over a number of random batches of a split, with the
 * model in evaluation mode and no gradients (a compiled forward, or the tape under {@link NoGrad}). It
 * leaves training undisturbed: batches come from their own generator seeded per split, so every
 * estimate of a split sees the same batches (the first {@code n} of one sequence), and the model's mode
 * is restored afterwards.
 */
public final class LossEstimator {
    private final Gpt gpt;
    private final Compiled forward;
    private final int batch;
    private final long seed;

    /**
     * @param batch rows per evaluation batch
     * @param seed  the evaluation batches' seed (each split derives its own)
     */
    public LossEstimator(Engine engine, Gpt gpt, int batch, long seed) {
        this.gpt = gpt;
        this.forward = engine == Engine.COMPILED ? Compiled.trace(in -> gpt.loss(in[0], in[1])) : null;
        this.batch = batch;
        this.seed = seed;
    }

    /**
     * The mean loss over {@code batches} batches of {@code split}.
     *
     * @throws IllegalArgumentException if {@code batches < 1} or the split is shorter than block + 1
     */
    public double estimate(TextSplit split, int batches) {
        if (batches < 1) throw new IllegalArgumentException("evaluation batches must be >= 1, got " + batches);
        WindowSampler sampler = new WindowSampler(split, batch, gpt.config().block(), seed + split.name().hashCode());
        boolean wasTraining = gpt.isTraining();
        gpt.train(false);
        try {
            double sum = 0;
            for (int i = 0; i < batches; i++) sum += loss(sampler.next());
            return sum / batches;
        } finally {
            gpt.train(wasTraining);
        }
    }

    private float loss(Tensor[] xy) {
        if (forward != null) return forward.forward(xy).item();
        try (NoGrad ignored = NoGrad.enter()) {
            return gpt.loss(xy[0], xy[1]).item();
        }
    }
}
