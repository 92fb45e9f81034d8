package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.stream.Stream;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The patch matrix and its adjoint against scalar loops over the definition, bit for bit: im2col only copies, and
 * col2im must add each input's entries in patch-row order from zero, as the scalar kernel did. The geometries cover
 * padding on either side, padding as wide as the kernel, rows narrower than a vector, wider than two and not a
 * multiple of one, several channels, a stride of 2 (the scalar path), and patches written side by side ({@code ld}
 * wider than one image) between untouched margins.
 */
class Im2colTest {
    private static final int L = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    /** {@code c, h, w, kh, kw, stride, pad}. */
    static Stream<int[]> geometries() {
        return Stream.of(
                new int[] {1, 28, 28, 5, 5, 1, 2},          // LeNet's first layer
                new int[] {6, 14, 14, 5, 5, 1, 0},          // and its second
                new int[] {2, 7, 2 * L + 5, 3, 4, 1, 1},    // rows of two vectors and a bit
                new int[] {3, 5, 3, 3, 3, 1, 3},            // padding as wide as the kernel: zero rows and columns
                new int[] {2, 9, L, 2, 5, 1, 2},            // one whole vector of input columns
                new int[] {1, 6, 5, 6, 1, 1, 0},            // the kernel as tall as the image
                new int[] {2, 9, 11, 3, 3, 2, 1});          // stride 2
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void patchesAreTheDefinition(int[] g) {
        int c = g[0], h = g[1], w = g[2], kh = g[3], kw = g[4], s = g[5], pad = g[6];
        int ho = ConvKernels.outSize(h, kh, s, pad), wo = ConvKernels.outSize(w, kw, s, pad), p = ho * wo;
        int k = c * kh * kw, images = 2, ld = images * p, margin = Im2col.margin(kw);
        float[] x = Rand.uniform(4, images * c * h * w, -1f, 1f);
        float[] cols = new float[margin + k * ld + margin];
        Arrays.fill(cols, -7f);
        float[] padded = new float[Im2col.paddedSize(c, h, w, pad)];
        Arrays.fill(padded, Float.NaN);  // stale scratch: every value read must be written first
        for (int img = 0; img < images; img++) {
            Im2col.im2col(x, img * c * h * w, c, h, w, kh, kw, s, pad, ho, wo, cols, margin + img * p, ld, padded);
        }
        for (int img = 0; img < images; img++) {
            for (int ch = 0; ch < c; ch++) for (int i = 0; i < kh; i++) for (int j = 0; j < kw; j++) {
                for (int oy = 0; oy < ho; oy++) for (int ox = 0; ox < wo; ox++) {
                    int iy = oy * s - pad + i, ix = ox * s - pad + j;
                    float want = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[((img * c + ch) * h + iy) * w + ix];
                    int at = margin + ((ch * kh + i) * kw + j) * ld + img * p + oy * wo + ox;
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(cols[at]),
                            "image " + img + " row " + ((ch * kh + i) * kw + j) + " at " + oy + "," + ox);
                }
            }
        }
        for (int i = 0; i < margin; i++) {
            assertEquals(-7f, cols[i], "wrote before the matrix");
            assertEquals(-7f, cols[cols.length - 1 - i], "wrote after the matrix");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("geometries")
    void col2imAddsInPatchRowOrder(int[] g) {
        int c = g[0], h = g[1], w = g[2], kh = g[3], kw = g[4], s = g[5], pad = g[6];
        int ho = ConvKernels.outSize(h, kh, s, pad), wo = ConvKernels.outSize(w, kw, s, pad), p = ho * wo;
        int k = c * kh * kw, images = 2, ld = images * p, margin = Im2col.margin(kw);
        // NaN margins: a lane read from outside the matrix would show
        float[] cols = new float[margin + k * ld + margin];
        Arrays.fill(cols, Float.NaN);
        System.arraycopy(Rand.uniform(5, k * ld, -1f, 1f), 0, cols, margin, k * ld);
        float[] dx = new float[images * c * h * w + L];  // room for a vector past the input, as col2im needs
        Arrays.fill(dx, -7f);
        for (int img = 0; img < images; img++) {
            Im2col.col2im(cols, margin + img * p, ld, c, h, w, kh, kw, s, pad, ho, wo, dx, img * c * h * w);
        }
        float[] want = new float[images * c * h * w];
        for (int img = 0; img < images; img++) {
            for (int ch = 0; ch < c; ch++) for (int i = 0; i < kh; i++) for (int j = 0; j < kw; j++) {
                for (int oy = 0; oy < ho; oy++) for (int ox = 0; ox < wo; ox++) {
                    int iy = oy * s - pad + i, ix = ox * s - pad + j;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                    want[((img * c + ch) * h + iy) * w + ix] += cols[margin + ((ch * kh + i) * kw + j) * ld + img * p + oy * wo + ox];
                }
            }
        }
        for (int e = 0; e < want.length; e++) {
            assertEquals(Float.floatToRawIntBits(want[e]), Float.floatToRawIntBits(dx[e]), "element " + e);
        }
        for (int e = want.length; e < dx.length; e++) assertEquals(-7f, dx[e], "wrote past the input");
    }
}
