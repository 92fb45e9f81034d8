package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a vector's lanes in a fixed order: lane by lane ({@link #inOrder}), or as a tree ({@link #tree}: halves
 * added pairwise, {@code v[i] + v[i + L/2]}, then halves of that, down to one lane). Kernels use these instead of
 * {@code reduceLanes(ADD)}, whose order of additions is unspecified and differs between the interpreter and C2's
 * intrinsic: with it, a reduction's last bits changed once the JIT compiled the kernel (a 1x784x256 product differed
 * between two identical calls in GemmTest), so the same step could give two results in one run. The orders here are spelled out, so they are the same in every mode. The tree costs
 * log2(L) dependent shuffle-and-adds against L dependent adds: a sum of a row of 128 took 28 ns against 46 when each
 * sum waited for the last (a probe, AVX-512), which matters in the rows that layer norm's backward reduces four times.
 */
final class LaneSum {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    // One constant per step (not an array of them, whose elements C2 would not treat as constants).
    private static final VectorShuffle<Float> BY_HALF = rotation(L / 2);
    private static final VectorShuffle<Float> BY_QUARTER = rotation(L / 4);
    private static final VectorShuffle<Float> BY_EIGHTH = rotation(L / 8);
    private static final VectorShuffle<Float> BY_SIXTEENTH = rotation(L / 16);

    private LaneSum() {}

    /** Lane {@code i} takes lane {@code i + shift} (mod L); a shift of 0 (a step this species does not take) is kept valid. */
    private static VectorShuffle<Float> rotation(int shift) {
        int s = Math.max(1, shift);
        return VectorShuffle.fromOp(S, i -> (i + s) % L);
    }

    /**
     * {@code v[0] + v[1] + ... + v[L-1]}, added left to right: small enough to inline four times into one kernel
     * (GemmVector's four row sums, where a tree in each did not inline and boxed a vector per call), and its
     * dependent adds overlap there.
     */
    static float inOrder(FloatVector v) {
        float r = 0f;
        for (int l = 0; l < L; l++) {
            r += v.lane(l);
        }
        return r;
    }

    /** The sum of {@code v}'s lanes, added as a tree of halves (at most 16 lanes: the widest float species). */
    static float tree(FloatVector v) {
        if (L >= 2) v = v.add(v.rearrange(BY_HALF));
        if (L >= 4) v = v.add(v.rearrange(BY_QUARTER));
        if (L >= 8) v = v.add(v.rearrange(BY_EIGHTH));
        if (L >= 16) v = v.add(v.rearrange(BY_SIXTEENTH));
        return v.lane(0);
    }
}
