package org.jitgrad.app.plot;

import java.util.ArrayList;
import java.util.List;

/** The curves of a training run: the loss of every step, and per epoch the train loss and test accuracy. */
public final class TrainingHistory {
    /** One epoch's summary; {@code step} is the global step count at its end. */
    public record EpochPoint(int epoch, long step, double trainLoss, double testAccuracy, double seconds) {}

    private final List<float[]> stepLoss = new ArrayList<>();
    private final List<EpochPoint> epochs = new ArrayList<>();
    private long steps;

    /** Records the loss of the next step. */
    public void step(float loss) {
        stepLoss.add(new float[] {steps++, loss});
    }

    public void epoch(int epoch, double trainLoss, double testAccuracy, double seconds) {
        epochs.add(new EpochPoint(epoch, steps, trainLoss, testAccuracy, seconds));
    }

    public long steps() { return steps; }

    /** Pairs {step, loss}. */
    public List<float[]> stepLosses() { return List.copyOf(stepLoss); }

    public List<EpochPoint> epochs() { return List.copyOf(epochs); }
}
