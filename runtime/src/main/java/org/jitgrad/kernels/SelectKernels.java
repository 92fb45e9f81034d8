package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code o = c != 0 ? a : b} over one span of {@code n} elements, each operand either read element by
 * element from its offset or, when its flag is false, one value repeated (a broadcast operand).
 */
public final class SelectKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private SelectKernels() {}

    /** One span; {@code cSpan}, {@code aSpan}, {@code bSpan}: whether that operand advances along the span. */
    public static void select(float[] c, int co, boolean cSpan, float[] a, int ao, boolean aSpan,
                              float[] b, int bo, boolean bSpan, float[] o, int oo, int n) {
        FloatVector cs = FloatVector.broadcast(S, c[co]), as = FloatVector.broadcast(S, a[ao]), bs = FloatVector.broadcast(S, b[bo]);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector cv = cSpan ? FloatVector.fromArray(S, c, co + i) : cs;
            FloatVector av = aSpan ? FloatVector.fromArray(S, a, ao + i) : as;
            FloatVector bv = bSpan ? FloatVector.fromArray(S, b, bo + i) : bs;
            bv.blend(av, cv.compare(VectorOperators.NE, 0f)).intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            o[oo + i] = c[cSpan ? co + i : co] != 0f ? a[aSpan ? ao + i : ao] : b[bSpan ? bo + i : bo];
        }
    }
}
