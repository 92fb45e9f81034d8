package org.jitgrad.app.cluster;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jitgrad.data.Dataset;

/**
 * Cuts a training set into equal, disjoint shards, one per cluster member. Equal, so that every
 * member takes the same number of steps per epoch and they all reach each averaging round: the
 * {@code size % world} examples left over are not trained on (fewer than {@code world}).
 */
public final class Shards {
    private Shards() {}

    /**
     * Shard {@code rank} of {@code world}: {@code size / world} examples of a permutation drawn from
     * {@code seed} (every member must use the same seed, or the shards overlap).
     */
    public static Dataset shard(Dataset train, int world, int rank, long seed) {
        if (world < 1) throw new IllegalArgumentException("world must be >= 1, got " + world);
        if (rank < 0 || rank >= world) throw new IllegalArgumentException("rank must be in 0.." + (world - 1) + ", got " + rank);
        int per = train.size() / world;
        if (per < 1) {
            throw new IllegalArgumentException("the training set has " + train.size() + " examples, fewer than the " + world + " members");
        }
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return train.select(Arrays.copyOfRange(order, rank * per, (rank + 1) * per));
    }
}
