package org.jitgrad.app.gpt;

import java.util.List;
import org.jitgrad.compile.Compiled;
import org.jitgrad.compile.TensorFn;
import org.jitgrad.optim.Adam;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Tensor;

/**
 * TEMPORARY: stand-ins for what branch train adds to org.jitgrad.optim (GradClip.clipGradNorm,
 * Compiled.withGradClipping, LrSchedule.warmupCosine, AdamW.withDecayOnMatrices), with the same
 * semantics, until it is merged. Deleted then; nothing else may use this class.
 */
final class PendingOptim {
    private PendingOptim() {}

    /** AdamW with {@code weightDecay} on rank >= 2 parameters and none on the others. */
    static Optimizer adamWDecayOnMatrices(List<Tensor> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        Adam decayed = new Adam(params, lr, beta1, beta2, eps, weightDecay, true);
        Adam plain = new Adam(params, lr, beta1, beta2, eps, 0f, true);
        return new Optimizer() {
            @Override public List<Tensor> parameters() { return params; }
            @Override public void beginStep() { decayed.beginStep(); plain.beginStep(); }
            @Override public void update(int index, float[] param, float[] grad) {
                (params.get(index).rank() >= 2 ? decayed : plain).update(index, param, grad);
            }
            @Override public float learningRate() { return decayed.learningRate(); }
            @Override public void setLearningRate(float lr) { decayed.setLearningRate(lr); plain.setLearningRate(lr); }
        };
    }

    /** PyTorch's clip_grad_norm_. */
    static float clipGradNorm(List<Tensor> params, float maxNorm) {
        double sum = 0;
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            for (float g : p.grad().storage()) sum += (double) g * g;
        }
        float norm = (float) Math.sqrt(sum);
        float factor = Math.min(maxNorm / (norm + 1e-6f), 1f);
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            float[] g = p.grad().storage();
            for (int i = 0; i < g.length; i++) g[i] *= factor;
        }
        return norm;
    }

    /** nanoGPT's get_lr. */
    static float warmupCosine(float maxLr, float minLr, long warmup, long decay, long step) {
        if (step < warmup) return (float) ((double) maxLr * (step + 1) / (warmup + 1));
        if (step > decay) return minLr;
        double ratio = (double) (step - warmup) / (decay - warmup);
        return (float) (minLr + 0.5 * (1.0 + Math.cos(Math.PI * ratio)) * ((double) maxLr - minLr));
    }

    /** A compiled forward and backward, then clipping and the update on the side (train fuses both). */
    static final class ClippedStep {
        private final Compiled compiled;
        private final Optimizer optimizer;
        private final float maxNorm;

        ClippedStep(TensorFn fn, Optimizer optimizer, float maxNorm) {
            this.compiled = Compiled.trace(fn);
            this.optimizer = optimizer;
            this.maxNorm = maxNorm;
        }

        float run(Tensor[] inputs) {
            float loss = compiled.run(inputs);
            clipGradNorm(optimizer.parameters(), maxNorm);
            optimizer.step();
            return loss;
        }

        int compileCount() { return compiled.compileCount(); }
    }
}
