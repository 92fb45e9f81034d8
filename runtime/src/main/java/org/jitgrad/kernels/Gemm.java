package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** PLACEHOLDER until the packed kernel lands: a vectorized i-k-j loop. */
public final class Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Gemm() {}

    public static void matmul(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                              float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        if (!accumulate) java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
        float[] bt = b;
        int bo = bOff;
        if (transB) {
            bt = new float[k * n];
            TransposeKernel.transpose(java.util.Arrays.copyOfRange(b, bOff, bOff + n * k), n, k, bt);
            bo = 0;
        }
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                int j = 0;
                int ci = cOff + i * n, bi = bo + p * n;
                for (int up = S.loopBound(n); j < up; j += S.length()) {
                    FloatVector.fromArray(S, bt, bi + j).fma(FloatVector.broadcast(S, av),
                            FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
                }
                for (; j < n; j++) c[ci + j] += av * bt[bi + j];
            }
        }
    }
}
