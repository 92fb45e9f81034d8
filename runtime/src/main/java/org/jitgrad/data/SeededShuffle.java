package org.jitgrad.data;

/**
 * Deterministic shuffling from a 64-bit seed, independent of JDK random-number implementations.
 *
 * <p>The generator is SplitMix64 and the shuffle is Fisher-Yates with unbiased bounded draws, so a
 * given seed yields the same permutation on every JVM and every run.
 */
final class SeededShuffle {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    private SeededShuffle(long seed) {
        this.state = seed;
    }

    /** The SplitMix64 finalizer: a bijective mix of the 64 bits of {@code z}. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Derives an independent seed for a numbered sub-stream (for example an epoch) of {@code seed}. */
    static long derive(long seed, long stream) {
        return mix(mix(seed) ^ mix(stream * GOLDEN_GAMMA + GOLDEN_GAMMA));
    }

    private long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform int in [0, bound), without modulo bias. */
    private int nextInt(int bound) {
        long bits;
        long value;
        do {
            bits = nextLong() >>> 1;
            value = bits % bound;
        } while (bits - value + (bound - 1) < 0);
        return (int) value;
    }

    /** Shuffles {@code a} in place; the result depends only on its content and {@code seed}. */
    static void shuffle(int[] a, long seed) {
        SeededShuffle random = new SeededShuffle(seed);
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Fills {@code a} with 0..a.length-1 and shuffles it with {@code seed}. */
    static void permutation(int[] a, long seed) {
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        shuffle(a, seed);
    }
}
