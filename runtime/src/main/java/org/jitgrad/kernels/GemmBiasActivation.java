package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The fused epilogue {@code c = act(c + bias[col])} over a block of C, vectorized with a masked tail. */
final class GemmBiasActivation {
    private GemmBiasActivation() {}

    private static final VectorSpecies<Float> S = GemmMicroKernel.S;
    private static final int VL = GemmMicroKernel.VL;

    /** Applies the epilogue to rows {@code [i0,i1)}, columns {@code [j0,j1)} of C (row stride {@code ldc}). */
    static void apply(float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1,
                      float[] bias, int biasOff, Epilogue act) {
        if (bias == null && act == Epilogue.NONE) {
            return;
        }
        for (int i = i0; i < i1; i++) {
            int row = cOff + i * ldc;
            for (int j = j0; j < j1; j += VL) {
                VectorMask<Float> mask = S.indexInRange(j, j1);
                FloatVector v = FloatVector.fromArray(S, c, row + j, mask);
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(S, bias, biasOff + j, mask));
                }
                v = switch (act) {
                    case NONE -> v;
                    case RELU -> v.max(0f);
                    case TANH -> v.lanewise(VectorOperators.TANH);
                };
                v.intoArray(c, row + j, mask);
            }
        }
    }
}
