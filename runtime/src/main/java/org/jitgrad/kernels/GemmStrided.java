package org.jitgrad.kernels;

/**
 * Products of strided views ({@link Gemm#matmulStrided}): each matrix of a batch is a view into a larger array, its
 * stored rows {@code ld} floats apart and its elements along a row adjacent, so that a head of a fused attention
 * projection ({@code [batch, time, heads*size]} read as {@code [batch, heads, time, size]}) is multiplied where it lies
 * instead of being copied out first and back after. Products small enough for {@link GemmSmall} run there with the
 * strides as they are (the same FMAs in the same order as on contiguous copies); larger ones, which copying costs
 * little against, are copied into contiguous per-thread scratch around the packed path. A product whose operands
 * have the contiguous strides (and no {@link Triangular} structure) takes {@link Gemm}'s path on one thread, as a
 * product that {@link Gemm#matmulBatched} deals out whole does.
 */
final class GemmStrided {
    private GemmStrided() {}

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Per-thread contiguous copies of one product's operands and result, grown when a larger product comes. */
    private static final class Scratch {
        float[] a = new float[0], b = new float[0], c = new float[0];

        float[] grow(float[] x, int size) {
            return x.length >= size ? x : new float[Math.max(size, 2 * x.length)];
        }
    }

    /**
     * Checks one operand view: {@code rows x cols} as stored, rows {@code ld} apart, the batch's matrices
     * {@code stride0}/{@code stride1} apart.
     */
    static void checkView(String name, float[] x, int off, int stride0, int stride1, int ld, int rows, int cols,
                          int batch0, int batch1) {
        if (x == null) throw new IllegalArgumentException("matmulStrided: " + name + " must not be null");
        if (off < 0 || stride0 < 0 || stride1 < 0 || ld < 0) {
            throw new IllegalArgumentException("matmulStrided: " + name + " offset and strides must be >= 0, got offset "
                    + off + ", batch strides " + stride0 + "," + stride1 + ", row stride " + ld);
        }
        if (rows == 0 || cols == 0 || batch0 == 0 || batch1 == 0) return;
        if (rows > 1 && ld < cols) {
            throw new IllegalArgumentException("matmulStrided: " + name + " rows of " + cols + " elements cannot lie "
                    + ld + " apart (they would overlap)");
        }
        long last = off + (long) (batch0 - 1) * stride0 + (long) (batch1 - 1) * stride1 + (long) (rows - 1) * ld
                + cols - 1;
        if (last >= x.length) {
            throw new IllegalArgumentException("matmulStrided: " + name + " (" + batch0 + "x" + batch1 + " matrices of "
                    + rows + "x" + cols + ", offset " + off + ", batch strides " + stride0 + "," + stride1
                    + ", row stride " + ld + ") reaches element " + last + " but the array has " + x.length);
        }
    }

    /**
     * Runs the batch: whole products dealt out to the worker threads when there are several threads and the batch
     * holds at least {@code threshold} multiply-adds, else one after the other on the caller.
     */
    static void run(float[] a, int aOff, int aStride0, int aStride1, int lda, boolean transA,
                    float[] b, int bOff, int bStride0, int bStride1, int ldb, boolean transB,
                    float[] c, int cOff, int cStride0, int cStride1, int ldc,
                    int batch0, int batch1, int m, int k, int n, Triangular structure, int threads, long threshold) {
        int batches = batch0 * batch1;
        if (batches == 0 || m == 0 || n == 0) return;
        if (threads > 1 && batches > 1 && (long) m * n * k * batches >= threshold) {
            GemmWorkers.ensure(threads - 1);
            GemmJob job = GemmJob.current();
            job.setBatched(a, aOff, aStride0, aStride1, lda, transA, b, bOff, bStride0, bStride1, ldb, transB,
                    c, cOff, cStride0, cStride1, ldc, batch0, batch1, m, k, n, structure);
            GemmWorkers.run(job, Math.min(threads, batches) - 1);
            return;
        }
        for (int i0 = 0; i0 < batch0; i0++) {
            for (int i1 = 0; i1 < batch1; i1++) {
                product(a, aOff + i0 * aStride0 + i1 * aStride1, lda, transA, b, bOff + i0 * bStride0 + i1 * bStride1,
                        ldb, transB, c, cOff + i0 * cStride0 + i1 * cStride1, ldc, m, k, n, structure);
            }
        }
    }

    /**
     * One product of the batch, on this thread. A {@link Triangular} structure is used by the direct kernels; the
     * other paths compute every term (the structure only says which terms are zero or unused).
     */
    static void product(float[] a, int aOff, int lda, boolean transA, float[] b, int bOff, int ldb, boolean transB,
                        float[] c, int cOff, int ldc, int m, int k, int n, Triangular structure) {
        if (structure != Triangular.NONE && GemmSmall.accepts(m, k, n)) {
            GemmSmall.runStrided(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, m, k, n, structure);
        } else if (lda == (transA ? m : k) && ldb == (transB ? k : n) && ldc == n) {
            Gemm.run(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, false, null, 0, null, 1,
                    Gemm.PARALLEL_THRESHOLD);
        } else if (GemmSmall.accepts(m, k, n)) {
            GemmSmall.runStrided(a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, m, k, n, Triangular.NONE);
        } else {
            Scratch s = SCRATCH.get();
            int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
            s.a = s.grow(s.a, aRows * aCols);
            s.b = s.grow(s.b, bRows * bCols);
            s.c = s.grow(s.c, m * n);
            copyRows(a, aOff, lda, s.a, 0, aCols, aRows, aCols);
            copyRows(b, bOff, ldb, s.b, 0, bCols, bRows, bCols);
            Gemm.run(s.a, 0, transA, s.b, 0, transB, s.c, 0, m, k, n, false, null, 0, null, 1, Gemm.PARALLEL_THRESHOLD);
            copyRows(s.c, 0, n, c, cOff, ldc, m, n);
        }
    }

    private static void copyRows(float[] src, int srcOff, int srcLd, float[] dst, int dstOff, int dstLd, int rows,
                                 int cols) {
        for (int r = 0; r < rows; r++) System.arraycopy(src, srcOff + r * srcLd, dst, dstOff + r * dstLd, cols);
    }
}
