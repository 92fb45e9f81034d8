package org.jitgrad.kernels;

import java.util.Arrays;

/**
 * Counter-based random numbers: element {@code i} of draw {@code d} of a stream seeded with {@code s}
 * is a pure function of {@code (s, d, i)} (SplitMix64's output function over a per-draw key), so any
 * draw can be recomputed without replaying the ones before it.
 */
public final class RandomKernels {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private RandomKernels() {}

    /** SplitMix64's output function: a bijective mix of all 64 bits. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The key of draw {@code draw} of the stream seeded with {@code seed}. */
    static long key(long seed, long draw) {
        return mix64(mix64(seed) + GOLDEN * (draw + 1));
    }

    /** A uniform double in {@code [0, 1)} (53 bits) for element {@code index} of a draw with {@code key}. */
    static double uniform(long key, long index) {
        return (mix64(key + GOLDEN * (index + 1)) >>> 11) * 0x1.0p-53;
    }

    /**
     * An inverted-dropout mask: {@code out[i] = 0} with probability {@code p}, else {@code 1/(1-p)},
     * for {@code i < n}, from draw {@code draw} of the stream seeded with {@code seed}.
     */
    public static void bernoulliMask(long seed, long draw, float p, float[] out, int n) {
        long key = key(seed, draw);
        float keep = 1f / (1f - p);
        double drop = p;
        for (int i = 0; i < n; i++) out[i] = uniform(key, i) < drop ? 0f : keep;
    }

    /** A mask that keeps everything: ones. */
    public static void keepAll(float[] out, int n) {
        Arrays.fill(out, 0, n, 1f);
    }
}
