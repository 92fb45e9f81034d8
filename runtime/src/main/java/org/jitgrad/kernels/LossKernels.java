package org.jitgrad.kernels;

/**
 * Softmax cross-entropy fused with its gradient. Logits are {@code [batch, classes]} row-major; labels
 * are class indices stored as floats. The loss is the mean over the batch.
 */
public final class LossKernels {
    private LossKernels() {}

    /**
     * Checks that every label is an integral value in {@code [0, classes)}.
     *
     * @throws IllegalArgumentException naming the first bad row and its value
     */
    public static void checkLabels(float[] labels, int batch, int classes) {
        for (int r = 0; r < batch; r++) {
            float v = labels[r];
            if (!(v >= 0f && v < classes) || v != Math.rint(v)) {
                throw new IllegalArgumentException("crossEntropy: label at row " + r + " is " + v
                        + "; labels must be integral class indices in [0, " + classes + ")");
            }
        }
    }

    /**
     * Mean over rows of {@code logSumExp(row) - row[label]}, each as {@code (max - row[label]) + log Σ exp(row - max)}:
     * a confident right answer's small loss keeps its precision instead of carrying half an ulp of the max. Labels must
     * have been checked.
     */
    public static float crossEntropy(float[] logits, float[] labels, int batch, int classes) {
        double total = 0;
        for (int r = 0; r < batch; r++) {
            int base = r * classes;
            float max = SoftmaxKernels.max(logits, base, classes, 1);
            float logSum = SoftmaxKernels.logSumExpBelowMax(logits, base, classes, 1, max);
            total += (max - logits[base + (int) labels[r]]) + logSum;
        }
        return (float) (total / batch);
    }

    /** {@code out = (softmax(logits) - onehot(labels)) * g / batch}: the gradient of the mean loss times {@code g}. */
    public static void crossEntropyGrad(float[] logits, float[] labels, float g, int batch, int classes, float[] out) {
        float scale = g / batch;
        for (int r = 0; r < batch; r++) {
            int base = r * classes;
            SoftmaxKernels.softmaxRow(logits, base, classes, out);
            out[base + (int) labels[r]] -= 1f;
            BinaryKernels.mulVS(out, base, scale, out, base, classes);
        }
    }

    /**
     * Loss and gradient in one call: returns the mean loss and writes {@code (softmax - onehot)·g/batch}
     * into {@code grad}. Checks the labels first, so a bad label changes nothing. Uses exactly the
     * arithmetic of {@link #crossEntropy} and {@link #crossEntropyGrad}, so the compiled step and the
     * tape agree bit for bit.
     */
    public static float crossEntropyWithGrad(float[] logits, float[] labels, float g, int batch, int classes, float[] grad) {
        checkLabels(labels, batch, classes);
        float loss = crossEntropy(logits, labels, batch, classes);
        crossEntropyGrad(logits, labels, g, batch, classes, grad);
        return loss;
    }
}
