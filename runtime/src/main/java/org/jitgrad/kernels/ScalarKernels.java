package org.jitgrad.kernels;

/**
 * Plain scalar reference implementations of every vector kernel, one simple loop each, with the same
 * signatures (and the same argument order) as {@link UnaryKernels}, {@link BinaryKernels},
 * {@link GradKernels}, {@link ReduceKernels}, {@link SoftmaxKernels}, {@link LossKernels} and
 * {@link UpdateKernels}. Tests compare the SIMD kernels to these; benchmarks measure the speed-up.
 * Transcendentals use {@link Math} in double and round once to float.
 */
public final class ScalarKernels {
    private ScalarKernels() {}

    // ---- unary ------------------------------------------------------------------------------------

    public static void neg(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = -x[i];
    }

    public static void scale(float[] x, float c, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = c * x[i];
    }

    public static void exp(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = (float) Math.exp(x[i]);
    }

    public static void log(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = (float) Math.log(x[i]);
    }

    public static void sqrt(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = (float) Math.sqrt(x[i]);
    }

    public static void tanh(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = (float) Math.tanh(x[i]);
    }

    public static void sigmoid(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
    }

    public static void relu(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0f);
    }

    public static void pow(float[] x, float p, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = (float) Math.pow(x[i], p);
    }

    // ---- binary spans ------------------------------------------------------------------------------

    public static void addVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + b[bo + i];
    }

    public static void addVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + s;
    }

    public static void subVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] - b[bo + i];
    }

    public static void subVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] - s;
    }

    public static void subSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = s - b[bo + i];
    }

    public static void mulVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] * b[bo + i];
    }

    public static void mulVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] * s;
    }

    public static void divVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] / b[bo + i];
    }

    public static void divVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] / s;
    }

    public static void divSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = s / b[bo + i];
    }

    public static void maxVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[ao + i], b[bo + i]);
    }

    public static void maxVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[ao + i], s);
    }

    public static void geMaskVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] >= b[bo + i] ? 1f : 0f;
    }

    public static void geMaskVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] >= s ? 1f : 0f;
    }

    public static void geMaskSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        for (int i = 0; i < n; i++) o[oo + i] = s >= b[bo + i] ? 1f : 0f;
    }

    // ---- activation gradients ----------------------------------------------------------------------

    public static void tanhGrad(float[] g, float[] y, float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = g[i] * (1f - y[i] * y[i]);
    }

    public static void sigmoidGrad(float[] g, float[] y, float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = g[i] * y[i] * (1f - y[i]);
    }

    public static void reluGrad(float[] g, float[] y, float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = y[i] > 0f ? g[i] : 0f;
    }

    // ---- reductions ----------------------------------------------------------------------------------

    /** Sum of {@code x[0..n)}, accumulated in double. */
    public static float sum(float[] x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[i];
        return (float) s;
    }

    public static void sumAxis(float[] x, int outer, int len, int inner, float[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double s = 0;
                for (int l = 0; l < len; l++) s += x[(o * len + l) * inner + i];
                out[o * inner + i] = (float) s;
            }
        }
    }

    public static void maxAxis(float[] x, int outer, int len, int inner, float[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int l = 0; l < len; l++) m = Math.max(m, x[(o * len + l) * inner + i]);
                out[o * inner + i] = m;
            }
        }
    }

    public static float maxRow(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    /** Routes {@code g[o,i]} to the first arg-max along the axis; zero elsewhere. */
    public static void maxAxisGrad(float[] x, float[] g, int outer, int len, int inner, float[] out) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                for (int l = 0; l < len; l++) {
                    if (x[(o * len + l) * inner + i] > x[(o * len + best) * inner + i]) best = l;
                }
                for (int l = 0; l < len; l++) out[(o * len + l) * inner + i] = l == best ? g[o * inner + i] : 0f;
            }
        }
    }

    public static void expandAxis(float[] g, int outer, int len, int inner, float[] out) {
        for (int o = 0; o < outer; o++) {
            for (int l = 0; l < len; l++) {
                for (int i = 0; i < inner; i++) out[(o * len + l) * inner + i] = g[o * inner + i];
            }
        }
    }

    // ---- softmax -------------------------------------------------------------------------------------

    public static void softmax(float[] x, int outer, int len, int inner, float[] y) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int l = 0; l < len; l++) max = Math.max(max, x[base + l * inner]);
                double sum = 0;
                for (int l = 0; l < len; l++) sum += Math.exp(x[base + l * inner] - max);
                for (int l = 0; l < len; l++) y[base + l * inner] = (float) (Math.exp(x[base + l * inner] - max) / sum);
            }
        }
    }

    public static void softmaxRow(float[] x, int off, int n, float[] y) {
        softmaxSpan(x, off, n, y);
    }

    private static void softmaxSpan(float[] x, int off, int n, float[] y) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(x[off + i] - max);
        for (int i = 0; i < n; i++) y[off + i] = (float) (Math.exp(x[off + i] - max) / sum);
    }

    public static float logSumExp(float[] x, int base, int len, int stride) {
        double max = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < len; l++) max = Math.max(max, x[base + l * stride]);
        double sum = 0;
        for (int l = 0; l < len; l++) sum += Math.exp(x[base + l * stride] - max);
        return (float) (max + Math.log(sum));
    }

    public static void logSoftmax(float[] x, int outer, int len, int inner, float[] y) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double lse = logSumExp(x, base, len, inner);
                for (int l = 0; l < len; l++) y[base + l * inner] = (float) (x[base + l * inner] - lse);
            }
        }
    }

    public static void softmaxGrad(float[] y, float[] g, int outer, int len, int inner, float[] dx) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double dot = 0;
                for (int l = 0; l < len; l++) dot += (double) g[base + l * inner] * y[base + l * inner];
                for (int l = 0; l < len; l++) {
                    int p = base + l * inner;
                    dx[p] = (float) (y[p] * (g[p] - dot));
                }
            }
        }
    }

    public static void logSoftmaxGrad(float[] y, float[] g, int outer, int len, int inner, float[] dx) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double sum = 0;
                for (int l = 0; l < len; l++) sum += g[base + l * inner];
                for (int l = 0; l < len; l++) {
                    int p = base + l * inner;
                    dx[p] = (float) (g[p] - Math.exp(y[p]) * sum);
                }
            }
        }
    }

    // ---- loss ----------------------------------------------------------------------------------------

    public static float crossEntropy(float[] logits, float[] labels, int batch, int classes) {
        double total = 0;
        for (int r = 0; r < batch; r++) {
            total += logSumExp(logits, r * classes, classes, 1) - (double) logits[r * classes + (int) labels[r]];
        }
        return (float) (total / batch);
    }

    public static void crossEntropyGrad(float[] logits, float[] labels, float g, int batch, int classes, float[] out) {
        for (int r = 0; r < batch; r++) {
            int base = r * classes;
            softmaxSpan(logits, base, classes, out);
            out[base + (int) labels[r]] -= 1f;
            for (int c = 0; c < classes; c++) out[base + c] = out[base + c] * g / batch;
        }
    }

    // ---- transpose -----------------------------------------------------------------------------------

    public static void transpose(float[] x, int rows, int cols, float[] out) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
        }
    }

    // ---- optimizer updates -----------------------------------------------------------------------------

    /** SGD, PyTorch semantics: {@code d = g + wd·p; v = μ·v + d; p -= lr·(nesterov ? d + μ·v : v)}. */
    public static void sgd(float[] p, float[] g, float[] v, int n, float lr, float momentum,
                           float weightDecay, boolean nesterov) {
        for (int i = 0; i < n; i++) {
            float d = g[i] + weightDecay * p[i];
            if (momentum == 0f) {
                p[i] -= lr * d;
                continue;
            }
            float vi = momentum * v[i] + d;
            v[i] = vi;
            p[i] -= lr * (nesterov ? d + momentum * vi : vi);
        }
    }

    /** Adam / AdamW, PyTorch semantics (see {@link UpdateKernels#adam}). */
    public static void adam(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2,
                            float eps, float weightDecay, boolean decoupled, float biasCorrection1,
                            float biasCorrection2) {
        for (int i = 0; i < n; i++) {
            float pi = decoupled ? p[i] * (1f - lr * weightDecay) : p[i];
            float d = decoupled ? g[i] : g[i] + weightDecay * pi;
            float mi = beta1 * m[i] + (1f - beta1) * d;
            float vi = beta2 * v[i] + (1f - beta2) * d * d;
            m[i] = mi;
            v[i] = vi;
            float mHat = mi / biasCorrection1;
            float vHat = vi / biasCorrection2;
            p[i] = pi - lr * mHat / ((float) Math.sqrt(vHat) + eps);
        }
    }
}
