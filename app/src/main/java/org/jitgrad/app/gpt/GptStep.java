package org.jitgrad.app.gpt;

import org.jitgrad.app.model.Engine;
import org.jitgrad.compile.Compiled;
import org.jitgrad.kernels.Gemm;
import org.jitgrad.nn.Gpt;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Tensor;

/**
 * One training iteration of a GPT as nanoGPT's train.py does it: the loss of a batch, its gradients,
 * gradients clipped to a total L2 norm, then the optimizer's update. The compiled engine runs all of it
 * in one generated step (clipping and update fused), the batch split data-parallel over the kernels'
 * threads ({@link Compiled#withDataParallel}, {@link Gemm#parallelism()} shards); the tape runs
 * {@code zeroGrad}, {@code backward}, {@code clipGradNorm} and {@code step} op by op, its products split
 * across the threads. Both see the optimizer's current learning rate.
 */
public final class GptStep {
    private final Gpt gpt;
    private final Optimizer optimizer;
    private final float maxGradNorm;
    private final Compiled compiled;

    /**
     * @param maxGradNorm the total gradient norm clipped to (positive)
     * @throws IllegalArgumentException if {@code maxGradNorm} is not positive
     */
    public GptStep(Engine engine, Gpt gpt, Optimizer optimizer, float maxGradNorm) {
        if (!(maxGradNorm > 0f)) throw new IllegalArgumentException("gradient clipping: max norm must be positive, got " + maxGradNorm);
        this.gpt = gpt;
        this.optimizer = optimizer;
        this.maxGradNorm = maxGradNorm;
        this.compiled = engine == Engine.COMPILED
                ? Compiled.trace(in -> gpt.loss(in[0], in[1])).withOptimizer(optimizer).withGradClipping(maxGradNorm)
                        .withDataParallel(Gemm.parallelism())
                : null;
    }

    /**
     * Trains on one batch.
     *
     * @param batch {@code [inputs, targets]}, token ids {@code [batch, block]}
     * @return the batch's loss before the update
     */
    public float step(Tensor[] batch) {
        if (compiled != null) return compiled.run(batch);
        optimizer.zeroGrad();
        Tensor loss = gpt.loss(batch[0], batch[1]);
        loss.backward();
        GradClip.clipGradNorm(optimizer.parameters(), maxGradNorm);
        optimizer.step();
        return loss.item();
    }

    /** Compiled specializations so far (0 for the tape). */
    public int compileCount() { return compiled == null ? 0 : compiled.compileCount(); }
}
