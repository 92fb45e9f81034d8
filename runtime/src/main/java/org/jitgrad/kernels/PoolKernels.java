package org.jitgrad.kernels;

import java.util.Arrays;

/**
 * 2-D max and average pooling without padding over {@code planes} images of {@code h x w} (the {@code n·c} planes of
 * an NCHW tensor), square windows of side {@code k} every {@code stride}; the output planes are
 * {@code ho x wo} with {@code ho = (h - k) / stride + 1}, likewise {@code wo}. Windows overlap when the stride is
 * below the kernel, so the gradients add. Max pooling with 2x2 windows every 2 over rows of at least half a vector of
 * windows runs on vectors ({@link MaxPool2x2}, the same bits); on LeNet's first pooling at batch 64 that took the
 * forward from about 460 to 80 us and the gradient from 450-490 to 105-130 (single thread, shared noisy machine).
 */
public final class PoolKernels {
    private PoolKernels() {}

    /** Output length of one spatial axis: {@code (in - k) / stride + 1}. */
    public static int outSize(int in, int k, int stride) {
        return (in - k) / stride + 1;
    }

    /** Maximum of each window; a NaN in a window is its maximum. */
    public static void maxPool(float[] x, int planes, int h, int w, int k, int stride, float[] out) {
        if (k == 2 && stride == 2 && MaxPool2x2.accepts(w)) {
            MaxPool2x2.forward(x, planes, h, w, out);
            return;
        }
        int ho = outSize(h, k, stride), wo = outSize(w, k, stride);
        for (int pl = 0, o = 0; pl < planes; pl++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++, o++) out[o] = x[argMax(x, pl * h * w + oy * stride * w + ox * stride, w, k)];
            }
        }
    }

    /**
     * Routes each window's gradient {@code g} to the window's arg-max in {@code x} (the first in row-major order on
     * ties, the first NaN if there is one); zero elsewhere.
     */
    public static void maxPoolGrad(float[] x, float[] g, int planes, int h, int w, int k, int stride, float[] dx) {
        if (k == 2 && stride == 2 && MaxPool2x2.accepts(w)) {
            MaxPool2x2.backward(x, g, planes, h, w, dx);
            return;
        }
        int ho = outSize(h, k, stride), wo = outSize(w, k, stride);
        Arrays.fill(dx, 0, planes * h * w, 0f);
        for (int pl = 0, o = 0; pl < planes; pl++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++, o++) dx[argMax(x, pl * h * w + oy * stride * w + ox * stride, w, k)] += g[o];
            }
        }
    }

    /** Index of the first maximum (or first NaN) of the {@code k x k} window whose top-left element is {@code x[at]}. */
    private static int argMax(float[] x, int at, int w, int k) {
        return k == 2 ? argMax2x2(x, at, w) : argMaxScan(x, at, w, k);
    }

    /**
     * {@link #argMaxScan} for a 2x2 window without a data-dependent branch: on real activations which of the four is
     * largest is a coin toss, and the branchy scan mispredicted about once a window (a fifth of a LeNet step).
     */
    static int argMax2x2(float[] x, int at, int w) {
        int i1 = at + 1, i2 = at + w, i3 = i2 + 1;
        float a = x[at], b = x[i1], c = x[i2], d = x[i3];
        if (a != a | b != b | c != c | d != d) return argMaxScan(x, at, w, 2);  // NaN: the first one, as the scan
        int best = b > a ? i1 : at;
        float m = Math.max(a, b);
        best = c > m ? i2 : best;
        m = Math.max(m, c);
        return d > m ? i3 : best;
    }

    /** The first NaN of the window, else the first of its largest elements, in row-major order. */
    private static int argMaxScan(float[] x, int at, int w, int k) {
        int best = at;
        float m = x[at];
        for (int i = 0; i < k; i++) {
            for (int j = 0, idx = at + i * w; j < k; j++, idx++) {
                float v = x[idx];
                if (v != v) return idx;
                if (v > m) {
                    m = v;
                    best = idx;
                }
            }
        }
        return best;
    }

    /** Mean of each window. */
    public static void avgPool(float[] x, int planes, int h, int w, int k, int stride, float[] out) {
        int ho = outSize(h, k, stride), wo = outSize(w, k, stride);
        float area = k * k;
        for (int pl = 0, o = 0; pl < planes; pl++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++, o++) {
                    int at = pl * h * w + oy * stride * w + ox * stride;
                    float s = 0f;
                    for (int i = 0; i < k; i++) for (int j = 0, idx = at + i * w; j < k; j++, idx++) s += x[idx];
                    out[o] = s / area;
                }
            }
        }
    }

    /** Spreads each window's gradient {@code g} evenly over the window's {@code k²} inputs. */
    public static void avgPoolGrad(float[] g, int planes, int h, int w, int k, int stride, float[] dx) {
        int ho = outSize(h, k, stride), wo = outSize(w, k, stride);
        float area = k * k;
        Arrays.fill(dx, 0, planes * h * w, 0f);
        for (int pl = 0, o = 0; pl < planes; pl++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++, o++) {
                    int at = pl * h * w + oy * stride * w + ox * stride;
                    float share = g[o] / area;
                    for (int i = 0; i < k; i++) for (int j = 0, idx = at + i * w; j < k; j++, idx++) dx[idx] += share;
                }
            }
        }
    }
}
