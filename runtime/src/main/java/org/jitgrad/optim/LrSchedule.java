package org.jitgrad.optim;

/**
 * A learning rate as a function of the step number (0 for the first step). Apply it before each step
 * with {@link #applyTo}: optimizers read their rate at every update, so this works for a compiled step
 * with a fused optimizer too, without recompiling.
 *
 * <pre>{@code
 * LrSchedule schedule = LrSchedule.warmupCosine(6e-4f, 6e-5f, 2000, 600000);
 * for (long it = 0; it < iters; it++) {
 *     schedule.applyTo(optimizer, it);
 *     step.run(x, y);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface LrSchedule {
    /**
     * The learning rate for step {@code step}.
     *
     * @throws IllegalArgumentException if {@code step} is negative
     */
    float rate(long step);

    /**
     * Sets {@code optimizer}'s learning rate to {@link #rate(long) rate(step)}.
     *
     * @param step the step about to be taken, from 0
     * @return the rate set
     * @throws IllegalArgumentException if {@code step} is negative
     */
    default float applyTo(Optimizer optimizer, long step) {
        if (optimizer == null) throw new NullPointerException("LrSchedule.applyTo: optimizer is null");
        float lr = rate(step);
        optimizer.setLearningRate(lr);
        return lr;
    }

    /**
     * The same rate at every step.
     *
     * @throws IllegalArgumentException if {@code lr} is not positive and finite
     */
    static LrSchedule constant(float lr) {
        Hyperparameters.positive("LrSchedule.constant", "lr", lr);
        return new LrSchedules.Constant(lr);
    }

    /**
     * nanoGPT's schedule ({@code get_lr} in its train.py): a linear warm-up
     * {@code maxLr·(t+1)/(warmupIters+1)} for {@code t < warmupIters}, then a cosine from {@code maxLr}
     * down to {@code minLr} until {@code t = decayIters}, then {@code minLr}. Computed in double,
     * rounded once to float.
     *
     * @param warmupIters the number of warm-up steps
     * @param decayIters  the step at which the cosine reaches {@code minLr}
     * @throws IllegalArgumentException unless {@code 0 < minLr <= maxLr} (both finite; a zero rate is
     *                                  not a valid optimizer setting), {@code warmupIters >= 0} and
     *                                  {@code decayIters > warmupIters}
     */
    static LrSchedule warmupCosine(float maxLr, float minLr, long warmupIters, long decayIters) {
        return new LrSchedules.WarmupCosine(maxLr, minLr, warmupIters, decayIters);
    }
}
