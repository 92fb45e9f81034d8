package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * The sum of a vector's lanes in lane order. Kernels use it instead of {@code reduceLanes(ADD)}, whose order of
 * additions is unspecified and differs between the interpreter and C2's intrinsic: with it, a reduction's last bits
 * changed once the JIT compiled the kernel (a 1x784x256 product differed between two identical calls in GemmTest),
 * so the same step could give two results in one run.
 */
final class LaneSum {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    private LaneSum() {}

    /** {@code v[0] + v[1] + ... + v[L-1]}, added left to right. */
    static float inOrder(FloatVector v) {
        float r = 0f;
        for (int l = 0; l < L; l++) {
            r += v.lane(l);
        }
        return r;
    }
}
