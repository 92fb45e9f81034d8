package org.jitgrad.app.cli;

/**
 * The {@code --lr} option's check, made by every command that takes it before it loads data or builds a model (the
 * optimizers check again, but only once they are created).
 */
final class LearningRate {
    private LearningRate() {}

    /** Throws unless {@code lr} is positive and finite. */
    static void check(float lr) {
        if (!(lr > 0f) || Float.isInfinite(lr)) throw new IllegalArgumentException("--lr must be positive and finite, got " + lr);
    }
}
