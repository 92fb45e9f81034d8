package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Partial vector stores at positions where a whole vector may run past the array's end (the last row of an output,
 * say). A masked access whose vector does not fit in the array takes the Vector API's checked path, which C2
 * compiled into a scalar fallback in the convolution kernels; this stores lane by lane only there.
 */
final class VectorTail {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorTail() {}

    /** The first {@code lanes} lanes of {@code v} into {@code a[at..]}. */
    static void store(FloatVector v, float[] a, int at, int lanes) {
        if (at + L <= a.length) {
            v.intoArray(a, at, S.indexInRange(0, lanes));
        } else {
            for (int n = 0; n < lanes; n++) a[at + n] = v.lane(n);
        }
    }
}
