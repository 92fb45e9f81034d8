package org.jitgrad.kernels;

/** Argument validation shared by {@link Gemm} and {@link GemmReference}; throws before anything is written. */
final class GemmArguments {
    private GemmArguments() {}

    static void check(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                      float[] c, int cOff, int m, int k, int n) {
        if (m < 0 || k < 0 || n < 0) {
            throw new IllegalArgumentException(
                    "matmul: sizes must be >= 0, got m=" + m + ", k=" + k + ", n=" + n);
        }
        checkArray("A", "a", a, aOff, m, k, transA ? "[k,m] (transA)" : "[m,k]");
        checkArray("B", "b", b, bOff, k, n, transB ? "[n,k] (transB)" : "[k,n]");
        checkArray("C", "c", c, cOff, m, n, "[m,n]");
    }

    static void checkEpilogue(boolean accumulate, float[] bias, int biasOff, int n, Epilogue act) {
        if (accumulate) {
            throw new IllegalArgumentException("matmul: the bias/activation epilogue requires accumulate=false");
        }
        if (act == null) {
            throw new IllegalArgumentException("matmul: epilogue act must not be null (use Epilogue.NONE)");
        }
        if (bias != null) {
            if (biasOff < 0) {
                throw new IllegalArgumentException("matmul: biasOff must be >= 0, got biasOff=" + biasOff);
            }
            if ((long) biasOff + n > bias.length) {
                throw new IllegalArgumentException("matmul: bias needs biasOff + n = " + biasOff + " + " + n + " = "
                        + ((long) biasOff + n) + " elements but bias.length = " + bias.length);
            }
        }
    }

    private static void checkArray(String name, String var, float[] arr, int off, int rows, int cols, String layout) {
        if (arr == null) {
            throw new IllegalArgumentException("matmul: array " + var + " (" + name + ") must not be null");
        }
        if (off < 0) {
            throw new IllegalArgumentException("matmul: " + var + "Off must be >= 0, got " + var + "Off=" + off);
        }
        long need = (long) off + (long) rows * cols;
        if (need > arr.length) {
            throw new IllegalArgumentException("matmul: " + name + " " + layout + " needs " + var + "Off + "
                    + rows + "*" + cols + " = " + off + " + " + ((long) rows * cols) + " = " + need
                    + " elements but " + var + ".length = " + arr.length);
        }
    }
}
