package org.jitgrad.kernels;

/**
 * Plain scalar triple-loop matrix multiply with the same contract as {@link Gemm}, accumulating each dot product in
 * {@code double}. It is the correctness oracle of the tests and the scalar baseline of the benchmarks; it is slow and
 * single-threaded on purpose.
 */
public final class GemmReference {
    private GemmReference() {}

    /**
     * {@code C[m×n] (=|+=) op(A)·op(B)}, row-major and dense, with the same layouts and argument checks as
     * {@link Gemm#matmul(float[], int, boolean, float[], int, boolean, float[], int, int, int, int, boolean)}.
     *
     * @param a          A, stored {@code [m,k]} from {@code aOff}, or {@code [k,m]} if {@code transA}
     * @param aOff       offset of A in {@code a}
     * @param transA     whether A is stored transposed
     * @param b          B, stored {@code [k,n]} from {@code bOff}, or {@code [n,k]} if {@code transB}
     * @param bOff       offset of B in {@code b}
     * @param transB     whether B is stored transposed
     * @param c          C, stored {@code [m,n]} from {@code cOff}
     * @param cOff       offset of C in {@code c}
     * @param m          rows of op(A) and C
     * @param k          columns of op(A), rows of op(B)
     * @param n          columns of op(B) and C
     * @param accumulate false overwrites C, true adds the product into C
     * @throws IllegalArgumentException on negative sizes or offsets, or arrays too short
     */
    public static void matmul(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                              float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        GemmArguments.check(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n);
        compute(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, accumulate, null, 0, null);
    }

    /**
     * Same as {@link #matmul(float[], int, boolean, float[], int, boolean, float[], int, int, int, int, boolean)},
     * then {@code c = act(c + bias[col])} on every element of C (computed in double, rounded once to float).
     *
     * @param a          A, stored {@code [m,k]} from {@code aOff}, or {@code [k,m]} if {@code transA}
     * @param aOff       offset of A in {@code a}
     * @param transA     whether A is stored transposed
     * @param b          B, stored {@code [k,n]} from {@code bOff}, or {@code [n,k]} if {@code transB}
     * @param bOff       offset of B in {@code b}
     * @param transB     whether B is stored transposed
     * @param c          C, stored {@code [m,n]} from {@code cOff}
     * @param cOff       offset of C in {@code c}
     * @param m          rows of op(A) and C
     * @param k          columns of op(A), rows of op(B)
     * @param n          columns of op(B) and C
     * @param accumulate must be false
     * @param bias       per-column bias of length at least {@code biasOff + n}, or null for none
     * @param biasOff    offset of the bias in {@code bias}
     * @param act        the activation, not null
     * @throws IllegalArgumentException on bad sizes, offsets or lengths, {@code accumulate=true} or a null act
     */
    public static void matmul(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                              float[] c, int cOff, int m, int k, int n, boolean accumulate,
                              float[] bias, int biasOff, Epilogue act) {
        GemmArguments.check(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n);
        GemmArguments.checkEpilogue(accumulate, bias, biasOff, n, act);
        compute(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, false, bias, biasOff, act);
    }

    private static void compute(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                                float[] c, int cOff, int m, int k, int n, boolean accumulate,
                                float[] bias, int biasOff, Epilogue act) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                    float bv = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
                    s += (double) av * bv;
                }
                int ci = cOff + i * n + j;
                if (accumulate) {
                    s += c[ci];
                }
                if (act != null) {
                    if (bias != null) {
                        s += bias[biasOff + j];
                    }
                    s = switch (act) {
                        case NONE -> s;
                        case RELU -> Math.max(0.0, s);
                        case TANH -> Math.tanh(s);
                    };
                }
                c[ci] = (float) s;
            }
        }
    }
}
