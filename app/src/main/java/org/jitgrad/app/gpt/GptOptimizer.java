package org.jitgrad.app.gpt;

import org.jitgrad.nn.Gpt;
import org.jitgrad.optim.Optimizer;

/** nanoGPT's optimizer set-up: AdamW with weight decay on the matrices only, and its learning-rate schedule. */
public final class GptOptimizer {
    private GptOptimizer() {}

    /** AdamW over the model's parameters, {@code weightDecay} on those of rank >= 2 (weights, embeddings), none on the rest. */
    public static Optimizer adamW(Gpt gpt, float lr, float beta1, float beta2, float eps, float weightDecay) {
        return PendingOptim.adamWDecayOnMatrices(gpt.parameters(), lr, beta1, beta2, eps, weightDecay);
    }

    /** nanoGPT's get_lr: linear warm-up to {@code maxLr}, cosine decay to {@code minLr} at {@code decayIters}. */
    public static float learningRate(float maxLr, float minLr, long warmup, long decayIters, long iteration) {
        return PendingOptim.warmupCosine(maxLr, minLr, warmup, decayIters, iteration);
    }
}
