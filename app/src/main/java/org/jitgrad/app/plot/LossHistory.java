package org.jitgrad.app.plot;

import java.util.ArrayList;
import java.util.List;

/** The curves of a language-model run: the loss of every iteration, and the estimated train and validation losses. */
public final class LossHistory {
    /** An evaluation after {@code iteration} iterations, over {@code batches} batches of each split. */
    public record Evaluation(long iteration, double trainLoss, double valLoss, int batches) {}

    private final List<float[]> stepLoss = new ArrayList<>();
    private final List<Evaluation> evaluations = new ArrayList<>();

    /** Records the loss of the next iteration. */
    public void step(float loss) {
        stepLoss.add(new float[] {stepLoss.size(), loss});
    }

    public void evaluation(long iteration, double trainLoss, double valLoss, int batches) {
        evaluations.add(new Evaluation(iteration, trainLoss, valLoss, batches));
    }

    /** Iterations recorded. */
    public long steps() { return stepLoss.size(); }

    /** Pairs {iteration (0-based), loss}. */
    public List<float[]> stepLosses() { return List.copyOf(stepLoss); }

    public List<Evaluation> evaluations() { return List.copyOf(evaluations); }
}
