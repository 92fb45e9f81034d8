package org.jitgrad.kernels;

import java.util.Arrays;

/**
 * 2-D convolution of NCHW tensors on the packed GEMM: input {@code [n, c, h, w]}, weight {@code [co, c, kh, kw]},
 * output {@code [n, co, ho, wo]} with {@code ho = (h + 2·pad - kh) / stride + 1} (likewise {@code wo}), zero padding.
 *
 * <p>With {@code K = c·kh·kw} and {@code P = ho·wo}, one image's output {@code [co, P]} is the weight {@code [co, K]}
 * times the image's patch matrix {@code [K, P]} ({@link Im2col}): already in NCHW order, no transpose. The forward and
 * input-gradient products take a group of images at once, their patch matrices side by side ({@code [K, count·P]}),
 * as many as fit in {@link #PATCH_FLOATS} (for the forward, a few fewer when that makes whole GEMM tiles), staging the output (or gradient) channel-major for the group. A wider
 * product wastes fewer vector lanes at the right edge of C (LeNet's second layer has {@code P = 100}, one and a half
 * 64-float micro-tiles) and can reach the GEMM's threshold for using several threads. Measured single-threaded on
 * LeNet's layers at batch 4: 27 against 36 us (first layer) and 49 against 56 us (second) per forward, image by image
 * being the second figure; the input gradient gained less and whole-batch patch matrices (tens of MB for larger
 * layers) lost to image by image on a 16-to-32-channel 3x3 layer. The weight gradient {@code Σ g·patchesᵀ} is a
 * {@code co x K} product that width does not help (grouped it measured up to 10% slower), so it runs image by image,
 * accumulating.
 *
 * <p>Shallow stride-1 layers ({@link DirectConv#accepts}, LeNet's first: depth 25, 6 channels) skip the patch matrix:
 * the forward and the weight gradient run from each image's zero-padded copy ({@link DirectConv}). On LeNet's first
 * layer at batch 64, single-threaded on a shared and noisy 2-core machine, the forward went from about 590 to 210 us
 * and the weight gradient from 1000 to 280 (it has no input gradient). Direct was 3-4 times slower than the patch
 * matrix on the second layer (depth 150, rows of 10).
 *
 * <p>The patch matrix sits {@link Im2col#margin} floats from either end of its scratch, since im2col and col2im touch
 * whole vectors reaching a little past it. Scratch is per thread ({@link ConvScratch}); a steady-state call
 * allocates nothing.
 */
public final class ConvKernels {
    /**
     * Most floats of patch matrix built for one grouped product (one image's always fits, whatever its size): 1 MB,
     * the L2 cache of the machine the grouping was measured on. System property {@code jitgrad.conv.patchFloats}.
     */
    static final int PATCH_FLOATS = KernelProperties.intValue("jitgrad.conv.patchFloats", 1 << 18, 1);

    /** Floats of one vector: the room the vector kernels need past an image's output or gradient. */
    private static final int VECTOR = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    private ConvKernels() {}

    /** Output length of one spatial axis: {@code (in + 2·pad - k) / stride + 1}. */
    public static int outSize(int in, int k, int stride, int pad) {
        return (in + 2 * pad - k) / stride + 1;
    }

    /** {@code out = conv2d(x, weight)} for the geometry in the class comment. */
    public static void forward(float[] x, float[] weight, float[] out, int n, int c, int h, int w, int co,
                               int kh, int kw, int stride, int pad) {
        forward(x, weight, out, n, c, h, w, co, kh, kw, stride, pad, PATCH_FLOATS);
    }

    static void forward(float[] x, float[] weight, float[] out, int n, int c, int h, int w, int co,
                        int kh, int kw, int stride, int pad, int patchFloats) {
        int ho = outSize(h, kh, stride, pad), wo = outSize(w, kw, stride, pad), p = ho * wo, k = c * kh * kw;
        ConvScratch scratch = ConvScratch.current();
        float[] padded = scratch.padded(Im2col.paddedSize(c, h, w, pad));
        if (DirectConv.accepts(c, kh, kw, stride, wo)) {
            for (int img = 0; img < n; img++) {
                Im2col.pad(x, img * c * h * w, c, h, w, pad, padded);
                boolean fits = roomPast(out, img * co * p, co * p);
                float[] o = fits ? out : scratch.staged(co * p + VECTOR);
                DirectConv.forward(padded, c, h + 2 * pad, w + 2 * pad, weight, co, kh, kw, o, fits ? img * co * p : 0, ho, wo);
                if (!fits) System.arraycopy(o, 0, out, img * co * p, co * p);
            }
            return;
        }
        int batch = wholeTiles(imagesPerProduct(k, p, n, patchFloats), p, n), at = Im2col.margin(kw);
        float[] cols = scratch.patches(at + k * p * batch + at);
        float[] staged = batch > 1 ? scratch.staged(co * p * batch) : null;
        for (int first = 0; first < n; first += batch) {
            int count = Math.min(batch, n - first), ld = count * p;
            for (int img = 0; img < count; img++) {
                Im2col.im2col(x, (first + img) * c * h * w, c, h, w, kh, kw, stride, pad, ho, wo, cols, at + img * p, ld,
                        padded);
            }
            if (count == 1) {
                Gemm.matmul(weight, 0, false, cols, at, false, out, first * co * p, co, k, p, false);
            } else {
                Gemm.matmul(weight, 0, false, cols, at, false, staged, 0, co, k, ld, false);
                unstage(staged, out, first, count, co, p);
            }
        }
    }

    /**
     * {@code dx}, the gradient of the input {@code [n, c, h, w]} given the output gradient {@code g}: for each image
     * the patch-matrix gradient {@code weightᵀ·g[img]} added back to where each patch was read.
     */
    public static void gradInput(float[] weight, float[] g, float[] dx, int n, int c, int h, int w, int co,
                                 int kh, int kw, int stride, int pad) {
        gradInput(weight, g, dx, n, c, h, w, co, kh, kw, stride, pad, PATCH_FLOATS);
    }

    static void gradInput(float[] weight, float[] g, float[] dx, int n, int c, int h, int w, int co,
                          int kh, int kw, int stride, int pad, int patchFloats) {
        int ho = outSize(h, kh, stride, pad), wo = outSize(w, kw, stride, pad), p = ho * wo, k = c * kh * kw;
        int batch = imagesPerProduct(k, p, n, patchFloats), at = Im2col.margin(kw);
        ConvScratch scratch = ConvScratch.current();
        float[] cols = scratch.patches(at + k * p * batch + at);
        float[] staged = batch > 1 ? scratch.staged(co * p * batch) : null;
        for (int first = 0; first < n; first += batch) {
            int count = Math.min(batch, n - first), ld = count * p;
            if (count == 1) {
                Gemm.matmul(weight, 0, true, g, first * co * p, false, cols, at, k, co, p, false);
            } else {
                stage(g, staged, first, count, co, p);
                Gemm.matmul(weight, 0, true, staged, 0, false, cols, at, k, co, ld, false);
            }
            for (int img = 0; img < count; img++) {
                int dxOff = (first + img) * c * h * w;
                boolean fits = roomPast(dx, dxOff, c * h * w);
                float[] d = fits ? dx : scratch.padded(c * h * w + VECTOR);
                Im2col.col2im(cols, at + img * p, ld, c, h, w, kh, kw, stride, pad, ho, wo, d, fits ? dxOff : 0);
                if (!fits) System.arraycopy(d, 0, dx, dxOff, c * h * w);
            }
        }
    }

    /** {@code dw}, the gradient of the weight {@code [co, c, kh, kw]}: {@code Σ_img g[img]·patches(x[img])ᵀ}. */
    public static void gradWeight(float[] x, float[] g, float[] dw, int n, int c, int h, int w, int co,
                                  int kh, int kw, int stride, int pad) {
        int ho = outSize(h, kh, stride, pad), wo = outSize(w, kw, stride, pad), p = ho * wo, k = c * kh * kw;
        ConvScratch scratch = ConvScratch.current();
        float[] padded = scratch.padded(Im2col.paddedSize(c, h, w, pad));
        if (DirectConv.accepts(c, kh, kw, stride, wo)) {
            float[] sums = scratch.staged(DirectConv.sumsSize(co * k));
            Arrays.fill(sums, 0, DirectConv.sumsSize(co * k), 0f);
            for (int img = 0; img < n; img++) {
                Im2col.pad(x, img * c * h * w, c, h, w, pad, padded);
                float[] gi = g;
                int gOff = img * co * p;
                if (!roomPast(g, gOff, co * p)) {
                    gi = scratch.patches(co * p + VECTOR);
                    System.arraycopy(g, gOff, gi, 0, co * p);
                    gOff = 0;
                }
                DirectConv.gradWeight(padded, c, h + 2 * pad, w + 2 * pad, gi, gOff, co, kh, kw, ho, wo, sums);
            }
            DirectConv.finish(sums, dw, co * k);
            return;
        }
        int at = Im2col.margin(kw);
        float[] cols = scratch.patches(at + k * p + at);
        if (n == 0) Arrays.fill(dw, 0, co * k, 0f);
        for (int img = 0; img < n; img++) {
            Im2col.im2col(x, img * c * h * w, c, h, w, kh, kw, stride, pad, ho, wo, cols, at, p, padded);
            Gemm.matmul(g, img * co * p, false, cols, at, true, dw, 0, co, p, k, img > 0);
        }
    }

    /**
     * Whether {@code a}, holding {@code size} floats of an image's output or gradient from {@code off}, has room for
     * a whole vector past them, as the vector kernels need there; if not (the last image of a batch), they go through
     * a copy that has: a masked access whose vector runs past the array's end takes the Vector API's checked path,
     * which C2 compiled into a scalar fallback.
     */
    private static boolean roomPast(float[] a, int off, int size) {
        return off + size + VECTOR <= a.length;
    }

    /**
     * A group size for the forward product, at most {@code most} images: the largest from {@code most/2} up whose
     * patch matrices are a whole number of the GEMM's column tiles wide (then it reads them in place instead of
     * packing them, its output channels being few), else {@code most}. LeNet's second layer ({@code P = 100}) at
     * batch 64: groups of 16 instead of 17, about 365 against 480 us per forward. Grouping changes no bits.
     */
    static int wholeTiles(int most, int p, int n) {
        if (most >= n) return most;
        for (int count = most; 2 * count >= most; count--) {
            if ((long) count * p % GemmMicroKernel.NR == 0) return count;
        }
        return most;
    }

    /** Images whose patch matrices ({@code k·p} floats each) fit in {@code patchFloats}: 1 to {@code n}. */
    static int imagesPerProduct(int k, int p, int n, int patchFloats) {
        long each = Math.max(1L, (long) k * p);
        return (int) Math.max(1, Math.min(n, patchFloats / each));
    }

    /** Images {@code first..first+count} of NCHW {@code g} ({@code co} planes of {@code p}) into {@code [co, count·p]}. */
    private static void stage(float[] g, float[] staged, int first, int count, int co, int p) {
        int ld = count * p;
        for (int img = 0; img < count; img++) {
            for (int o = 0; o < co; o++) System.arraycopy(g, ((first + img) * co + o) * p, staged, o * ld + img * p, p);
        }
    }

    /** The inverse of {@link #stage}: {@code [co, count·p]} back into images {@code first..first+count} of NCHW {@code out}. */
    private static void unstage(float[] staged, float[] out, int first, int count, int co, int p) {
        int ld = count * p;
        for (int img = 0; img < count; img++) {
            for (int o = 0; o < co; o++) System.arraycopy(staged, o * ld + img * p, out, ((first + img) * co + o) * p, p);
        }
    }
}
