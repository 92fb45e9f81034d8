package org.jitgrad.kernels;

import java.util.Arrays;

/**
 * The patch matrix of a 2-D convolution and its adjoint. For one image {@code x[C, H, W]}, a {@code kh x kw} kernel,
 * a stride and a zero padding, row {@code (c·kh + i)·kw + j} of the matrix holds, for every output position
 * {@code (oy, ox)} in row-major order, the input value {@code x[c, oy·stride - pad + i, ox·stride - pad + j]} (zero
 * where that falls in the padding). A convolution is then the weight {@code [Cout, C·kh·kw]} times this matrix.
 *
 * <p>Rows are {@code ld} floats apart, so the columns of several images can sit side by side in one matrix.
 */
final class Im2col {
    private Im2col() {}

    /**
     * Writes the patch matrix of image {@code x[xOff..]} ({@code [c, h, w]}) into {@code cols} from {@code colOff},
     * rows {@code ld} apart, each {@code ho·wo} long.
     */
    static void im2col(float[] x, int xOff, int c, int h, int w, int kh, int kw, int stride, int pad,
                              int ho, int wo, float[] cols, int colOff, int ld) {
        for (int ch = 0; ch < c; ch++) {
            int plane = xOff + ch * h * w;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = colOff + ((ch * kh + i) * kw + j) * ld;
                    int lo = firstInside(j, pad, stride, wo), hi = endInside(j, pad, stride, w, wo, lo);
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * stride - pad + i, dst = row + oy * wo;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(cols, dst, dst + wo, 0f);
                            continue;
                        }
                        Arrays.fill(cols, dst, dst + lo, 0f);
                        int src = plane + iy * w + lo * stride - pad + j;
                        if (stride == 1) {
                            if (hi > lo) System.arraycopy(x, src, cols, dst + lo, hi - lo);
                        } else {
                            for (int ox = lo; ox < hi; ox++, src += stride) cols[dst + ox] = x[src];
                        }
                        Arrays.fill(cols, dst + hi, dst + wo, 0f);
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col}: adds every entry of the patch matrix at {@code cols[colOff..]} (rows {@code ld}
     * apart) into the input position it was read from, in {@code dx[dxOff..]} ({@code [c, h, w]}); padding entries
     * are dropped. {@code dx} is not cleared first.
     */
    static void col2im(float[] cols, int colOff, int ld, int c, int h, int w, int kh, int kw, int stride,
                              int pad, int ho, int wo, float[] dx, int dxOff) {
        for (int ch = 0; ch < c; ch++) {
            int plane = dxOff + ch * h * w;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = colOff + ((ch * kh + i) * kw + j) * ld;
                    int lo = firstInside(j, pad, stride, wo), hi = endInside(j, pad, stride, w, wo, lo);
                    if (lo == hi) continue;
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * stride - pad + i;
                        if (iy < 0 || iy >= h) continue;
                        int src = row + oy * wo + lo, dst = plane + iy * w + lo * stride - pad + j;
                        if (stride == 1) {
                            BinaryKernels.addVV(dx, dst, cols, src, dx, dst, hi - lo);
                        } else {
                            for (int ox = lo; ox < hi; ox++, src++, dst += stride) dx[dst] += cols[src];
                        }
                    }
                }
            }
        }
    }

    /** The first output column whose kernel column {@code j} reads inside the image (not the left padding). */
    private static int firstInside(int j, int pad, int stride, int wo) {
        int gap = pad - j;
        return gap <= 0 ? 0 : Math.min(wo, (gap + stride - 1) / stride);
    }

    /** One past the last output column whose kernel column {@code j} reads inside the image, at least {@code lo}. */
    private static int endInside(int j, int pad, int stride, int w, int wo, int lo) {
        int reach = w - 1 + pad - j;
        return reach < 0 ? lo : Math.max(lo, Math.min(wo, reach / stride + 1));
    }
}
