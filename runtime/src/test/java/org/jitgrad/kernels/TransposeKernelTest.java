package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The in-register 16x16 blocks and the scalar edges of {@link TransposeKernel}, with offsets and strides. */
class TransposeKernelTest {
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1,1", "16,16", "32,48", "17,16", "16,17", "33,65", "64,64", "7,300", "300,7", "257,31"})
    void everyElementLandsOnceWhereTheTransposeSaysAndNothingElseIsTouched(int rows, int cols) {
        Random r = new Random(rows * 1000 + cols);
        int srcOff = 3, srcStride = cols + 5, dstOff = 7, dstStride = rows + 2;
        float[] src = new float[srcOff + rows * srcStride];
        for (int i = 0; i < src.length; i++) src[i] = r.nextFloat();
        float[] dst = new float[dstOff + cols * dstStride + 4];
        java.util.Arrays.fill(dst, -1f);
        TransposeKernel.transpose(src, srcOff, srcStride, rows, cols, dst, dstOff, dstStride);
        for (int c = 0; c < cols; c++) {
            for (int q = 0; q < dstStride; q++) {
                float got = dst[dstOff + c * dstStride + q];
                float want = q < rows ? src[srcOff + q * srcStride + c] : -1f;
                assertEquals(want, got, "dst row " + c + ", column " + q);
            }
        }
        for (int i = 0; i < dstOff; i++) assertEquals(-1f, dst[i], "before the destination");

        float[] dense = new float[rows * cols], out = new float[rows * cols], expected = new float[rows * cols];
        for (int i = 0; i < dense.length; i++) dense[i] = r.nextFloat();
        TransposeKernel.transpose(dense, rows, cols, out);
        ScalarKernels.transpose(dense, rows, cols, expected);
        org.jitgrad.testing.Approx.assertExact(expected, out, "dense " + rows + "x" + cols);
    }
}
