package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused epilogue {@code c = act(c + bias[col])} over a block of C, vectorized. Whole vectors are loaded and
 * stored without a mask and only the last partial vector of a row is masked: masking every vector made a 32x64
 * bias pass about three times slower.
 */
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
        int full = j0 + (j1 - j0) / VL * VL;
        for (int i = i0; i < i1; i++) {
            int row = cOff + i * ldc;
            for (int j = j0; j < full; j += VL) {
                FloatVector v = FloatVector.fromArray(S, c, row + j);
                if (bias != null) v = v.add(FloatVector.fromArray(S, bias, biasOff + j));
                activate(v, act).intoArray(c, row + j);
            }
            if (full < j1) {
                VectorMask<Float> mask = S.indexInRange(full, j1);
                FloatVector v = FloatVector.fromArray(S, c, row + full, mask);
                if (bias != null) v = v.add(FloatVector.fromArray(S, bias, biasOff + full, mask));
                activate(v, act).intoArray(c, row + full, mask);
            }
        }
    }

    private static FloatVector activate(FloatVector v, Epilogue act) {
        return switch (act) {
            case NONE -> v;
            case RELU -> v.max(0f);
            case TANH -> v.lanewise(VectorOperators.TANH);
        };
    }
}
