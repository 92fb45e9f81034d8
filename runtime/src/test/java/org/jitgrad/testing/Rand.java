package org.jitgrad.testing;

import java.util.Random;

/** Seeded random test data. */
public final class Rand {
    private Rand() {}

    /** Uniform in {@code [lo, hi)}. */
    public static float[] uniform(long seed, int n, float lo, float hi) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * r.nextFloat();
        return x;
    }

    /** Uniform in {@code ±[lo, hi)} with a random sign: magnitudes kept away from zero. */
    public static float[] awayFromZero(long seed, int n, float lo, float hi) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            float m = lo + (hi - lo) * r.nextFloat();
            x[i] = r.nextBoolean() ? m : -m;
        }
        return x;
    }

    /** A random permutation of {@code 0..n-1}, scaled by {@code step} and shifted by {@code shift}: distinct values. */
    public static float[] distinct(long seed, int n, float step, float shift) {
        Random r = new Random(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = p[i] * step + shift;
        return x;
    }

    /** Standard normal. */
    public static float[] normal(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }
}
