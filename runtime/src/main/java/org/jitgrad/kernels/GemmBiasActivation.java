package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused epilogue {@code c = act(c + bias[col])} over a block of C, vectorized. For the bias alone and ReLU, whole
 * vectors are loaded and stored without a mask and only the last partial vector of a row is masked: masking every
 * vector made a 32x64 bias pass about three times slower. tanh, bias included, is {@code UnaryKernels.tanhRows}'s loop.
 */
final class GemmBiasActivation {
    private GemmBiasActivation() {}

    private static final VectorSpecies<Float> S = GemmMicroKernel.S;
    private static final int VL = GemmMicroKernel.VL;

    /** Applies the epilogue to rows {@code [i0,i1)}, columns {@code [j0,j1)} of C (row stride {@code ldc}). */
    static void apply(float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1,
                      float[] bias, int biasOff, Epilogue act) {
        switch (act) {
            case NONE -> {
                if (bias != null) biasAndRelu(c, cOff, ldc, i0, i1, j0, j1, bias, biasOff, false);
            }
            case RELU -> biasAndRelu(c, cOff, ldc, i0, i1, j0, j1, bias, biasOff, true);
            case TANH -> biasAndTanh(c, cOff, ldc, i0, i1, j0, j1, bias, biasOff);
        }
    }

    private static void biasAndRelu(float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1,
                                    float[] bias, int biasOff, boolean relu) {
        int full = j0 + (j1 - j0) / VL * VL;
        for (int i = i0; i < i1; i++) {
            int row = cOff + i * ldc;
            for (int j = j0; j < full; j += VL) {
                FloatVector v = FloatVector.fromArray(S, c, row + j);
                if (bias != null) v = v.add(FloatVector.fromArray(S, bias, biasOff + j));
                if (relu) v = v.max(0f);
                v.intoArray(c, row + j);
            }
            if (full < j1) {
                VectorMask<Float> mask = S.indexInRange(full, j1);
                FloatVector v = FloatVector.fromArray(S, c, row + full, mask);
                if (bias != null) v = v.add(FloatVector.fromArray(S, bias, biasOff + full, mask));
                if (relu) v = v.max(0f);
                v.intoArray(c, row + full, mask);
            }
        }
    }

    /** The block through {@code UnaryKernels.tanhRows}, bias added first. */
    private static void biasAndTanh(float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1,
                                    float[] bias, int biasOff) {
        int first = cOff + i0 * ldc + j0;
        UnaryKernels.tanhRows(c, first, ldc, bias, biasOff + j0, c, first, ldc, i1 - i0, j1 - j0);
    }
}
