package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The direct convolution's forward gives the patch-matrix GEMM's bits (same terms, same order, one FMA each), for
 * output rows shorter than a vector, between one and two, exactly one, and past two; channel counts that leave one or
 * two channels of a block of three; padding on every side. Its weight gradient is checked against the definition by
 * {@link ConvKernelsTest}.
 */
class DirectConvTest {
    private static final int L = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    /** {@code c, h, w, co, kh, kw, pad}, all with stride 1. */
    static Stream<int[]> geometries() {
        return Stream.of(
                new int[] {1, 28, 28, 6, 5, 5, 2},             // LeNet's first layer
                new int[] {1, 9, L / 2 + 2, 4, 3, 3, 0},       // rows of half a vector and a bit
                new int[] {2, 6, L + 3, 5, 2, 4, 1},           // rows of one vector and a bit, two channels of a block
                new int[] {1, 5, L + 2, 3, 3, 3, 0},           // rows of exactly one vector
                new int[] {3, 4, 2 * L + 9, 7, 3, 2, 1});      // rows past two vectors, one channel of a block
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void forwardIsTheGemmBitForBit(int[] g) {
        int c = g[0], h = g[1], w = g[2], co = g[3], kh = g[4], kw = g[5], pad = g[6];
        int ho = ConvKernels.outSize(h, kh, 1, pad), wo = ConvKernels.outSize(w, kw, 1, pad), p = ho * wo, k = c * kh * kw;
        assertTrue(DirectConv.accepts(c, kh, kw, 1, wo), "the geometry must take the direct path");
        float[] x = Rand.uniform(6, c * h * w, -1f, 1f), weight = Rand.uniform(7, co * k, -1f, 1f);
        float[] padded = new float[Im2col.paddedSize(c, h, w, pad)];
        Im2col.pad(x, 0, c, h, w, pad, padded);
        float[] direct = new float[co * p + L];  // room for a vector past the output, as the kernel needs
        Arrays.fill(direct, -7f);
        DirectConv.forward(padded, c, h + 2 * pad, w + 2 * pad, weight, co, kh, kw, direct, 0, ho, wo);
        int margin = Im2col.margin(kw);
        float[] cols = new float[margin + k * p + margin], gemm = new float[co * p];
        Im2col.im2col(x, 0, c, h, w, kh, kw, 1, pad, ho, wo, cols, margin, p, padded);
        Gemm.matmul(weight, 0, false, cols, margin, false, gemm, 0, co, k, p, false);
        for (int e = 0; e < gemm.length; e++) {
            assertEquals(Float.floatToRawIntBits(gemm[e]), Float.floatToRawIntBits(direct[e]), "element " + e);
        }
        for (int e = gemm.length; e < direct.length; e++) assertEquals(-7f, direct[e], "wrote past the output");
    }

    @Test
    void deepOrStridedOrNarrowLayersTakeThePatchMatrix() {
        assertTrue(DirectConv.accepts(1, 5, 5, 1, 28));
        assertFalse(DirectConv.accepts(6, 5, 5, 1, 10), "depth 150");
        assertFalse(DirectConv.accepts(1, 5, 5, 2, 28), "stride 2");
        assertFalse(DirectConv.accepts(1, 3, 3, 1, L / 2 - 1), "rows under half a vector");
    }
}
