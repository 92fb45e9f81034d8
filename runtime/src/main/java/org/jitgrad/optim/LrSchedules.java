package org.jitgrad.optim;

/** The {@link LrSchedule}s the interface's factories return. */
final class LrSchedules {
    private LrSchedules() {}

    static long checkStep(String schedule, long step) {
        if (step < 0) throw new IllegalArgumentException(schedule + ": step must be >= 0, got " + step);
        return step;
    }

    record Constant(float lr) implements LrSchedule {
        @Override
        public float rate(long step) {
            checkStep("LrSchedule.constant", step);
            return lr;
        }
    }

    record WarmupCosine(float maxLr, float minLr, long warmupIters, long decayIters) implements LrSchedule {
        private static final String NAME = "LrSchedule.warmupCosine";

        WarmupCosine {
            Hyperparameters.positive(NAME, "maxLr", maxLr);
            Hyperparameters.positive(NAME, "minLr", minLr);
            if (minLr > maxLr) {
                throw new IllegalArgumentException(NAME + ": minLr " + minLr + " must not exceed maxLr " + maxLr);
            }
            if (warmupIters < 0) {
                throw new IllegalArgumentException(NAME + ": warmupIters must be >= 0, got " + warmupIters);
            }
            if (decayIters <= warmupIters) {
                throw new IllegalArgumentException(NAME + ": decayIters " + decayIters + " must exceed warmupIters "
                        + warmupIters);
            }
        }

        @Override
        public float rate(long step) {
            checkStep(NAME, step);
            if (step < warmupIters) return (float) ((double) maxLr * (step + 1) / (warmupIters + 1));
            if (step > decayIters) return minLr;
            double ratio = (double) (step - warmupIters) / (decayIters - warmupIters);
            double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
            return (float) (minLr + coeff * ((double) maxLr - minLr));
        }
    }
}
