package org.jitgrad.app.serve;

/**
 * How much the server warms up before {@code GET /health} says it is ready. The warm-up runs in rounds (single-row
 * predictions and small {@code /train} uploads through the server's own HTTP stack on loopback, and training
 * batches on random data); it ends once the minimums are met and the JIT has compiled nothing for
 * {@code quietRounds} rounds in a row, or after {@code maxMillis} whatever the JIT does.
 *
 * @param enabled     false: ready at once, nothing compiled ahead (the first requests pay for it)
 * @param minRequests single-row predictions, and small uploads, each sent at least this many times: a request
 *                    method reaches the JIT's optimizing tier after about 5,000 calls
 * @param minBatches  training batches run at least this many times
 * @param quietRounds rounds in a row without a compilation that end the warm-up once the minimums are met
 * @param maxMillis   the warm-up ends after this long at the latest
 */
public record WarmUpPlan(boolean enabled, int minRequests, int minBatches, int quietRounds, long maxMillis) {
    public WarmUpPlan {
        if (minRequests < 0 || minBatches < 0 || quietRounds < 0 || maxMillis < 0) {
            throw new IllegalArgumentException("warm-up plan values must be >= 0: " + minRequests + ", " + minBatches + ", "
                    + quietRounds + ", " + maxMillis);
        }
    }

    /** What {@code jitgrad serve} does unless {@code --no-warmup}; the figures behind it are in app/README.md. */
    public static WarmUpPlan standard() {
        return new WarmUpPlan(true, 6_000, 600, 3, 60_000);
    }

    /** No warm-up: ready at once. */
    public static WarmUpPlan none() {
        return new WarmUpPlan(false, 0, 0, 0, 0);
    }

    /** One short round of everything (tests: the paths run, the JIT is not waited for). */
    public static WarmUpPlan quick() {
        return new WarmUpPlan(true, 20, 4, 0, 10_000);
    }
}
