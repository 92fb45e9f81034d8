package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Gemm#matmulStrided}: heads of an attention-style projection multiplied where they lie give the same bits as
 * the same products on contiguous copies ({@link Gemm#matmulBatched}), on one thread and dealt out to two, for
 * products small enough for the direct kernels and for larger ones (copied around the packed path); nothing outside
 * the C views is written; bad views are refused before anything is written.
 */
class GemmStridedTest {
    /**
     * A {@code [b0, t, h*(rows or cols)]} style layout: matrix {@code (i0, i1)} starts at
     * {@code off + i0*s0 + i1*s1} and its stored rows lie {@code ld} apart.
     */
    record View(int off, int s0, int s1, int ld, int rows, int cols) {
        int at(int i0, int i1, int r, int c) { return off + i0 * s0 + i1 * s1 + r * ld + c; }

        /** A head layout: {@code heads} matrices of {@code rows x cols} side by side in rows of {@code ld}. */
        static View heads(int off, int heads, int rows, int cols, int ld) {
            return new View(off, rows * ld, cols, ld, rows, cols);
        }

        float[] gather(float[] x, int b0, int b1) {
            float[] out = new float[b0 * b1 * rows * cols];
            int i = 0;
            for (int i0 = 0; i0 < b0; i0++)
                for (int i1 = 0; i1 < b1; i1++)
                    for (int r = 0; r < rows; r++)
                        for (int c = 0; c < cols; c++) out[i++] = x[at(i0, i1, r, c)];
            return out;
        }
    }

    @ParameterizedTest(name = "{0}x{1} of {2}x{3}x{4} transA={5} transB={6} threads={7}")
    @CsvSource({
            "3, 4, 64, 32, 64, false, true, 1", "3, 4, 64, 64, 32, false, false, 1", "3, 4, 64, 64, 32, true, false, 1",
            "3, 4, 64, 32, 64, false, true, 2", "2, 3, 13, 7, 21, true, true, 1", "2, 3, 13, 7, 21, false, false, 2",
            "2, 2, 70, 300, 90, false, false, 1", "2, 2, 70, 300, 90, true, true, 2", "1, 3, 5, 1, 17, false, false, 1"})
    void headViewsGiveTheBitsOfContiguousCopies(int b0, int b1, int m, int k, int n, boolean transA, boolean transB,
                                                int threads) {
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        // A and B are heads of one [b0, rows, b1*cols + 5] array each; C is heads of another with a gap of 3
        View av = new View(7, aRows * (b1 * aCols + 5), aCols, b1 * aCols + 5, aRows, aCols);
        View bv = new View(2, bRows * (b1 * bCols + 5), bCols, b1 * bCols + 5, bRows, bCols);
        View cv = new View(1, m * (b1 * n + 3), n, b1 * n + 3, m, n);
        float[] a = GemmBatchedTest.random(1, av.at(b0 - 1, b1 - 1, aRows - 1, aCols - 1) + 9);
        float[] b = GemmBatchedTest.random(2, bv.at(b0 - 1, b1 - 1, bRows - 1, bCols - 1) + 4);
        float[] c = new float[cv.at(b0 - 1, b1 - 1, m - 1, n - 1) + 6];
        java.util.Arrays.fill(c, Float.NaN);

        GemmStrided.checkView("A", a, av.off(), av.s0(), av.s1(), av.ld(), aRows, aCols, b0, b1);
        GemmStrided.run(a, av.off(), av.s0(), av.s1(), av.ld(), transA, b, bv.off(), bv.s0(), bv.s1(), bv.ld(), transB,
                c, cv.off(), cv.s0(), cv.s1(), cv.ld(), b0, b1, m, k, n, Triangular.NONE, threads, 0);

        float[] expected = new float[b0 * b1 * m * n];
        Gemm.matmulBatched(av.gather(a, b0, b1), 0, b1 * m * k, m * k, transA, bv.gather(b, b0, b1), 0, b1 * k * n,
                k * n, transB, expected, 0, b0, b1, m, k, n);
        assertArrayEquals(expected, cv.gather(c, b0, b1), "the views' products");
        int inside = 0;
        for (float x : c) if (!Float.isNaN(x)) inside++;
        assertEquals(b0 * b1 * m * n, inside, "elements written: exactly those of the C views");
        // and one element against a double triple loop
        double ref = 0;
        for (int p = 0; p < k; p++) {
            double x = a[transA ? av.at(b0 - 1, b1 - 1, p, m - 1) : av.at(b0 - 1, b1 - 1, m - 1, p)];
            double y = b[transB ? bv.at(b0 - 1, b1 - 1, n - 1, p) : bv.at(b0 - 1, b1 - 1, p, n - 1)];
            ref += x * y;
        }
        assertEquals(ref, c[cv.at(b0 - 1, b1 - 1, m - 1, n - 1)], 1e-5 * Math.max(1, k));
    }

    /** Head views of {@code [2, 3, t, t]} products with a {@link Triangular} structure against the dense product. */
    @ParameterizedTest(name = "{0} t={1} d={2} transA={3} transB={4}")
    @CsvSource({"LOWER_A, 64, 32, false, false", "LOWER_A, 13, 7, false, false", "UPPER_A, 64, 32, true, false",
            "UPPER_A, 13, 7, true, false", "LOWER_RESULT, 64, 32, false, true", "LOWER_RESULT, 13, 7, false, true",
            "LOWER_RESULT, 64, 32, false, false"})
    void triangularProductsSkipOnlyZerosOrUnusedColumns(Triangular structure, int t, int d, boolean transA,
                                                        boolean transB) {
        boolean result = structure == Triangular.LOWER_RESULT;
        int m = t, k = result ? d : t, n = result ? t : d;
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        float[] a = GemmBatchedTest.random(4, 6 * aRows * aCols), b = GemmBatchedTest.random(5, 6 * bRows * bCols);
        if (!result) {
            // op(A) zero on the side the structure names, exactly as softmax leaves it
            for (int x = 0; x < 6; x++)
                for (int i = 0; i < m; i++)
                    for (int p = 0; p < k; p++) {
                        boolean zero = structure == Triangular.LOWER_A ? p > i : p < i;
                        if (zero) a[x * aRows * aCols + (transA ? p * aCols + i : i * aCols + p)] = 0f;
                    }
        }
        float[] dense = new float[6 * m * n], skipped = new float[6 * m * n];
        java.util.Arrays.fill(skipped, Float.NaN);
        Gemm.matmulStrided(a, 0, 3 * aRows * aCols, aRows * aCols, aCols, transA, b, 0, 3 * bRows * bCols,
                bRows * bCols, bCols, transB, dense, 0, 3 * m * n, m * n, n, 2, 3, m, k, n, Triangular.NONE);
        Gemm.matmulStrided(a, 0, 3 * aRows * aCols, aRows * aCols, aCols, transA, b, 0, 3 * bRows * bCols,
                bRows * bCols, bCols, transB, skipped, 0, 3 * m * n, m * n, n, 2, 3, m, k, n, structure);
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        for (int x = 0; x < 6; x++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    float got = skipped[x * m * n + i * n + j], want = dense[x * m * n + i * n + j];
                    // a group of 4 rows computes the pairs of vectors of columns reaching its last row's diagonal
                    int pair = 2 * lanes, last = Math.min(m - 1, i / 4 * 4 + 3);
                    boolean computed = !result || j < Math.min(n, (last + pair) / pair * pair);
                    assertEquals(computed ? want : 0f, got, 0f, structure + " C[" + x + "][" + i + "][" + j + "]");
                }
    }

    @Test
    void aTriangularProductMustBeSquare() {
        float[] x = new float[64 * 64];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.matmulStrided(
                x, 0, 0, 0, 32, false, x, 0, 0, 0, 64, false, x, 0, 0, 0, 64, 1, 1, 64, 32, 64, Triangular.LOWER_A));
        assertTrue(e.getMessage().contains("LOWER_A needs a square op(A), got m=64, k=32"), e.getMessage());
    }

    @Test
    void badViewsAreRefusedBeforeAnythingIsWritten() {
        float[] a = new float[64 * 128], b = new float[64 * 128], c = new float[64 * 128];
        java.util.Arrays.fill(c, 7f);
        // heads of 32 in rows of 128: valid
        Gemm.matmulStrided(a, 0, 0, 32, 128, false, b, 0, 0, 32, 128, true, c, 0, 0, 32, 128, 1, 4, 64, 32, 32,
                Triangular.NONE);
        java.util.Arrays.fill(c, 7f);
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class, () -> Gemm.matmulStrided(
                a, 0, 0, 32, 16, false, b, 0, 0, 32, 128, true, c, 0, 0, 32, 128, 1, 4, 64, 32, 32, Triangular.NONE));
        assertTrue(overlap.getMessage().contains("A rows of 32 elements cannot lie 16 apart"), overlap.getMessage());
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class, () -> Gemm.matmulStrided(
                a, 0, 0, 32, 128, false, b, 0, 0, 32, 128, true, c, 0, 0, 40, 128, 1, 4, 64, 32, 32, Triangular.NONE));
        assertTrue(past.getMessage().contains("C (1x4 matrices of 64x32, offset 0, batch strides 0,40, row stride 128)"
                + " reaches element 8215 but the array has 8192"), past.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> Gemm.matmulStrided(
                a, 0, 0, -32, 128, false, b, 0, 0, 32, 128, true, c, 0, 0, 32, 128, 1, 4, 64, 32, 32, Triangular.NONE));
        assertTrue(negative.getMessage().contains("A offset and strides must be >= 0"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Gemm.matmulStrided(
                a, 0, 0, 32, 128, false, null, 0, 0, 32, 128, true, c, 0, 0, 32, 128, 1, 4, 64, 32, 32, Triangular.NONE));
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class, () -> Gemm.matmulStrided(
                a, 0, 0, 0, 128, false, b, 0, 0, 0, 128, true, c, 0, 0, 0, 128, 65536, 65536, 1, 1, 1, Triangular.NONE));
        assertTrue(huge.getMessage().contains("a batch of 65536x65536 products is more than 2^31-1"), huge.getMessage());
        for (float x : c) assertEquals(7f, x);
    }
}
