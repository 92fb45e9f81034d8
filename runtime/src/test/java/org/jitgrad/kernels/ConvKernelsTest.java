package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.stream.Stream;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The im2col convolution kernels against direct loops over the definition, in double, for geometries that cover
 * padding wider than the kernel's reach, strides that skip input columns, rectangular kernels and images, and products
 * of one image, of several and of an uneven last group (a small patch budget forces the grouping).
 */
class ConvKernelsTest {
    /** {@code n, c, h, w, co, kh, kw, stride, pad}. */
    static Stream<int[]> geometries() {
        return Stream.of(
                new int[] {2, 3, 7, 7, 5, 3, 3, 1, 0},
                new int[] {2, 3, 7, 7, 5, 3, 3, 2, 1},
                new int[] {1, 1, 5, 5, 1, 1, 1, 1, 0},
                new int[] {3, 2, 7, 9, 4, 3, 2, 2, 2},
                new int[] {2, 1, 4, 4, 3, 2, 2, 3, 3},   // padding reaches past the kernel: all-zero patch rows
                new int[] {2, 4, 6, 5, 3, 6, 5, 1, 0},   // the kernel covers the whole image
                new int[] {5, 2, 9, 8, 7, 3, 3, 1, 1},
                new int[] {1, 3, 17, 33, 2, 5, 5, 3, 2},
                // direct convolution (stride 1, little depth): LeNet's first layer, rows of one vector and a bit with
                // a channel count leaving one of a block of three, rows past two vectors with two channels left
                new int[] {3, 1, 28, 28, 6, 5, 5, 1, 2},
                new int[] {2, 2, 9, 20, 4, 3, 4, 1, 1},
                new int[] {2, 1, 6, 40, 5, 2, 5, 1, 2});
    }

    /** Patch budgets: one image per product, two, three (leaving an uneven last group), all at once. */
    static Stream<Arguments> cases() {
        return geometries().flatMap(g -> {
            int k = g[1] * g[5] * g[6], p = ConvKernels.outSize(g[2], g[5], g[7], g[8]) * ConvKernels.outSize(g[3], g[6], g[7], g[8]);
            return Stream.of(1, 2 * k * p, 3 * k * p, Integer.MAX_VALUE).map(b -> Arguments.of(g, b));
        });
    }

    @ParameterizedTest(name = "{0} patch budget {1}")
    @MethodSource("cases")
    void matchesTheDefinition(int[] g, int budget) {
        int n = g[0], c = g[1], h = g[2], w = g[3], co = g[4], kh = g[5], kw = g[6], s = g[7], pad = g[8];
        int ho = ConvKernels.outSize(h, kh, s, pad), wo = ConvKernels.outSize(w, kw, s, pad);
        float[] x = Rand.uniform(1, n * c * h * w, -1f, 1f), wt = Rand.uniform(2, co * c * kh * kw, -1f, 1f);
        float[] gy = Rand.uniform(3, n * co * ho * wo, -1f, 1f);
        double[] y = new double[n * co * ho * wo], dx = new double[x.length], dw = new double[wt.length];
        for (int b = 0; b < n; b++) for (int o = 0; o < co; o++) for (int oy = 0; oy < ho; oy++) for (int ox = 0; ox < wo; ox++) {
            int yi = ((b * co + o) * ho + oy) * wo + ox;
            for (int ch = 0; ch < c; ch++) for (int i = 0; i < kh; i++) for (int j = 0; j < kw; j++) {
                int iy = oy * s - pad + i, ix = ox * s - pad + j;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                int xi = ((b * c + ch) * h + iy) * w + ix, wi = ((o * c + ch) * kh + i) * kw + j;
                y[yi] += (double) x[xi] * wt[wi];
                dx[xi] += (double) gy[yi] * wt[wi];
                dw[wi] += (double) gy[yi] * x[xi];
            }
        }
        float[] out = garbage(y.length + 3), dxOut = garbage(dx.length + 3), dwOut = garbage(dw.length + 3);
        ConvKernels.forward(x, wt, out, n, c, h, w, co, kh, kw, s, pad, budget);
        ConvKernels.gradInput(wt, gy, dxOut, n, c, h, w, co, kh, kw, s, pad, budget);
        ConvKernels.gradWeight(x, gy, dwOut, n, c, h, w, co, kh, kw, s, pad);
        assertClose("forward", y, out);
        assertClose("input gradient", dx, dxOut);
        assertClose("weight gradient", dw, dwOut);
        assertEquals(-7f, out[y.length], "forward wrote past its output");
        assertEquals(-7f, dxOut[dx.length], "input gradient wrote past its output");
        assertEquals(-7f, dwOut[dw.length], "weight gradient wrote past its output");
    }

    @Test
    void forwardGroupsMakeWholeGemmTilesWhenAFewImagesFewerDo() {
        // LeNet's second layer: 17 images fit the budget, 16 make 1600 columns, whole tiles on every vector width
        assertEquals(16, ConvKernels.wholeTiles(17, 100, 64));
        assertEquals(64, ConvKernels.wholeTiles(64, 100, 64), "one group for the batch stays one group");
        assertEquals(5, ConvKernels.wholeTiles(5, 7, 10), "no whole width from 3 to 5 images of 7 columns");
        assertEquals(1, ConvKernels.wholeTiles(1, 100, 64));
    }

    @Test
    void anEmptyBatchHasAZeroWeightGradient() {
        float[] dw = garbage(2 * 3 * 3 * 3);
        ConvKernels.gradWeight(new float[0], new float[0], dw, 0, 3, 5, 5, 2, 3, 3, 1, 0);
        for (float v : dw) assertEquals(0f, v);
    }

    /** Output arrays start full of a value the kernels must overwrite (the compiler reuses buffers). */
    private static float[] garbage(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, -7f);
        return a;
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1e-5 * Math.max(1, Math.abs(expected[i]))) {
                fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
