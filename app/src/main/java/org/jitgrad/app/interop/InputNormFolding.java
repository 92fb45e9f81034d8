package org.jitgrad.app.interop;

import java.util.Map;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.tensor.Tensor;

/**
 * Moves an input standardization {@code (x - mean) / std} into the first linear layer of an MLP's PyTorch state dict,
 * so that the exported model takes the features as the app reads them (MNIST pixels in [0, 1]):
 * {@code W·((x - m)/s) + b = (W/s)·x + (b - (m/s)·ΣW)}, row by row of {@code W [out, in]}. Computed in double,
 * rounded once to float.
 */
final class InputNormFolding {
    private InputNormFolding() {}

    /** Rewrites {@code stateDict}'s {@code 0.weight} and {@code 0.bias} in place; nothing to do for the identity. */
    static void fold(Map<String, Tensor> stateDict, InputNorm norm) {
        if (norm.equals(InputNorm.IDENTITY)) return;
        Tensor weight = stateDict.get("0.weight"), bias = stateDict.get("0.bias");
        int out = weight.shape().dim(0), in = weight.shape().dim(1);
        float[] w = weight.storage(), b = bias.storage();
        double scale = 1.0 / norm.std(), shift = norm.mean() / (double) norm.std();
        for (int o = 0; o < out; o++) {
            double rowSum = 0;
            for (int i = 0; i < in; i++) {
                rowSum += w[o * in + i];
                w[o * in + i] = (float) (w[o * in + i] * scale);
            }
            b[o] = (float) (b[o] - shift * rowSum);
        }
    }
}
