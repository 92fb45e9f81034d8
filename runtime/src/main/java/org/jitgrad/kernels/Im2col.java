package org.jitgrad.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The patch matrix of a 2-D convolution and its adjoint. For one image {@code x[C, H, W]}, a {@code kh x kw} kernel,
 * a stride and a zero padding, row {@code (c·kh + i)·kw + j} of the matrix holds, for every output position
 * {@code (oy, ox)} in row-major order, the input value {@code x[c, oy·stride - pad + i, ox·stride - pad + j]} (zero
 * where that falls in the padding). A convolution is then the weight {@code [Cout, C·kh·kw]} times this matrix.
 *
 * <p>Rows are {@code ld} floats apart, so the columns of several images can sit side by side in one matrix.
 *
 * <p>With stride 1 both directions work on vectors of output (or input) columns: im2col copies from a zero-padded copy
 * of the image, col2im sums each input row's entries in registers, masks leaving out the lanes that fall outside.
 * LeNet's rows are 10 to 28 floats, short enough that a call per run ({@code System.arraycopy}, a fill, an add loop)
 * cost more than the run itself: at batch 64, im2col of its second layer went from about 560 to 145 us and col2im
 * from 710 to 110 (single thread, shared noisy machine). Other strides take a scalar path.
 */
final class Im2col {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Im2col() {}

    /**
     * Floats to leave free before and after a patch matrix that {@link #im2col} writes or {@link #col2im} reads with
     * stride 1: both touch whole vectors that may reach past the matrix's ends (only lanes inside are used).
     */
    static int margin(int kw) {
        return kw + L;
    }

    /** Floats of the scratch {@link #im2col} pads an image into: {@code c} planes of the padded image, and a vector. */
    static int paddedSize(int c, int h, int w, int pad) {
        return c * (h + 2 * pad) * (w + 2 * pad) + L;
    }

    /**
     * Writes the patch matrix of image {@code x[xOff..]} ({@code [c, h, w]}) into {@code cols} from {@code colOff},
     * rows {@code ld} apart, each {@code ho·wo} long. With stride 1 the image is first copied, zero-padded, into
     * {@code padded} ({@link #paddedSize} floats), and {@code cols} needs {@link #margin} floats after the matrix.
     */
    static void im2col(float[] x, int xOff, int c, int h, int w, int kh, int kw, int stride, int pad,
                       int ho, int wo, float[] cols, int colOff, int ld, float[] padded) {
        if (stride != 1) {
            im2colStrided(x, xOff, c, h, w, kh, kw, stride, pad, ho, wo, cols, colOff, ld);
            return;
        }
        int hp = h + 2 * pad, wp = w + 2 * pad;
        pad(x, xOff, c, h, w, pad, padded);
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = colOff + ((ch * kh + i) * kw + j) * ld, src = (ch * hp + i) * wp + j;
                    for (int ox0 = 0; ox0 < wo; ox0 += L) patchStrip(padded, src + ox0, wp, cols, row + ox0, wo, ox0, ho);
                }
            }
        }
    }

    /** {@code x[xOff..]} ({@code [c, h, w]}) into {@code padded} with {@code pad} zeros on every side. */
    static void pad(float[] x, int xOff, int c, int h, int w, int pad, float[] padded) {
        if (pad == 0) {
            System.arraycopy(x, xOff, padded, 0, c * h * w);
            return;
        }
        int wp = w + 2 * pad, at = 0;
        for (int ch = 0; ch < c; ch++) {
            Arrays.fill(padded, at, at + pad * wp + pad, 0f);
            at += pad * wp + pad;
            for (int iy = 0; iy < h; iy++, at += wp) {
                System.arraycopy(x, xOff + (ch * h + iy) * w, padded, at, w);
                Arrays.fill(padded, at + w, at + wp, 0f);  // this row's right padding and the next row's left
            }
            Arrays.fill(padded, at, at + pad * wp - pad, 0f);
            at += pad * wp - pad;
        }
    }

    /**
     * Columns {@code ox0..ox0+L} of one patch row for every output row, from {@code padded[src + oy·wp]} into
     * {@code cols[dst + oy·wo]}.
     */
    private static void patchStrip(float[] padded, int src, int wp, float[] cols, int dst, int wo, int ox0, int ho) {
        VectorMask<Float> store = S.indexInRange(ox0, wo);
        for (int oy = 0; oy < ho; oy++, src += wp, dst += wo) FloatVector.fromArray(S, padded, src).intoArray(cols, dst, store);
    }

    /**
     * The adjoint of {@link #im2col}: every entry of the patch matrix at {@code cols[colOff..]} (rows {@code ld}
     * apart) summed into the input position it was read from, written to {@code dx[dxOff..]} ({@code [c, h, w]},
     * overwritten); padding entries are dropped. Each input sums its entries in patch-row order, from zero. With
     * stride 1, {@code cols} needs {@link #margin} floats before and after the matrix, and {@code dx} room for a
     * vector past the image.
     */
    static void col2im(float[] cols, int colOff, int ld, int c, int h, int w, int kh, int kw, int stride,
                       int pad, int ho, int wo, float[] dx, int dxOff) {
        if (stride != 1) {
            Arrays.fill(dx, dxOff, dxOff + c * h * w, 0f);
            col2imStrided(cols, colOff, ld, c, h, w, kh, kw, stride, pad, ho, wo, dx, dxOff);
            return;
        }
        // three channels at a time: each input's sum is a chain of dependent adds, and three chains keep the adder
        // busier than one; past the last channel the block repeats it and does not store it
        int plane = kh * kw * ld;
        for (int ch = 0; ch < c; ch += 3) {
            int rows0 = colOff + ch * plane, rows1 = colOff + Math.min(ch + 1, c - 1) * plane;
            int rows2 = colOff + Math.min(ch + 2, c - 1) * plane, valid = Math.min(3, c - ch);
            for (int iy = 0; iy < h; iy++) {
                // kernel rows i that reach input row iy from an output row: oy = iy + pad - i in [0, ho)
                int iLo = Math.max(0, iy + pad - ho + 1), iHi = Math.min(kh, iy + pad + 1);
                int dst = dxOff + (ch * h + iy) * w;
                for (int ix0 = 0; ix0 < w; ix0 += L) {
                    if (valid == 1) {
                        inputStrip(cols, rows0, ld, kw, pad, wo, iy, iLo, iHi, ix0, w, dx, dst + ix0);
                    } else {
                        inputStrips(cols, rows0, rows1, rows2, ld, kw, pad, wo, iy, iLo, iHi, ix0, w, dx, dst + ix0,
                                h * w, valid);
                    }
                }
            }
        }
    }

    /**
     * Input columns {@code ix0..ix0+L} of input row {@code iy} of up to three channels ({@code valid}), whose patch
     * rows start at {@code cols[rows0]}, {@code cols[rows1]} and {@code cols[rows2]}, into {@code dx[dst]} and the
     * next planes, {@code planeSize} apart: for each, the sum over kernel rows {@code [iLo, iHi)} and every kernel
     * column, in that order, of the entry read from there; lanes whose output column falls outside {@code [0, wo)}
     * add nothing.
     */
    private static void inputStrips(float[] cols, int rows0, int rows1, int rows2, int ld, int kw, int pad, int wo,
                                    int iy, int iLo, int iHi, int ix0, int w, float[] dx, int dst, int planeSize,
                                    int valid) {
        VectorMask<Float> store = S.indexInRange(ix0, w);
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0;
        for (int i = iLo; i < iHi; i++) {
            int at = i * kw * ld + (iy + pad - i) * wo;
            for (int j = 0; j < kw; j++, at += ld) {
                // lane n reads output column ox0 + n: inside [0, wo) from lane -ox0 to lane wo - ox0
                int ox0 = ix0 + pad - j;
                VectorMask<Float> m = store.and(S.indexInRange(0, wo - ox0));
                if (ox0 < 0) m = m.andNot(S.indexInRange(0, -ox0));
                s0 = s0.add(FloatVector.fromArray(S, cols, rows0 + at + ox0, m));
                s1 = s1.add(FloatVector.fromArray(S, cols, rows1 + at + ox0, m));
                s2 = s2.add(FloatVector.fromArray(S, cols, rows2 + at + ox0, m));
            }
        }
        s0.intoArray(dx, dst, store);
        if (valid > 1) s1.intoArray(dx, dst + planeSize, store);
        if (valid > 2) s2.intoArray(dx, dst + 2 * planeSize, store);
    }

    /** {@link #inputStrips} for one channel, which a block of three would read three times. */
    private static void inputStrip(float[] cols, int rows, int ld, int kw, int pad, int wo, int iy, int iLo, int iHi,
                                   int ix0, int w, float[] dx, int dst) {
        VectorMask<Float> store = S.indexInRange(ix0, w);
        FloatVector sum = FloatVector.zero(S);
        for (int i = iLo; i < iHi; i++) {
            int at = rows + i * kw * ld + (iy + pad - i) * wo;
            for (int j = 0; j < kw; j++, at += ld) {
                int ox0 = ix0 + pad - j;
                VectorMask<Float> m = store.and(S.indexInRange(0, wo - ox0));
                if (ox0 < 0) m = m.andNot(S.indexInRange(0, -ox0));
                sum = sum.add(FloatVector.fromArray(S, cols, at + ox0, m));
            }
        }
        sum.intoArray(dx, dst, store);
    }

    private static void im2colStrided(float[] x, int xOff, int c, int h, int w, int kh, int kw, int stride, int pad,
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
                        for (int ox = lo, src = plane + iy * w + lo * stride - pad + j; ox < hi; ox++, src += stride) {
                            cols[dst + ox] = x[src];
                        }
                        Arrays.fill(cols, dst + hi, dst + wo, 0f);
                    }
                }
            }
        }
    }

    /** {@link #col2im} for a stride above 1, adding into {@code dx}. */
    private static void col2imStrided(float[] cols, int colOff, int ld, int c, int h, int w, int kh, int kw,
                                      int stride, int pad, int ho, int wo, float[] dx, int dxOff) {
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
                        for (int ox = lo; ox < hi; ox++, src++, dst += stride) dx[dst] += cols[src];
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
