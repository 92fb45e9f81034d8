package org.jitgrad.bench;

import org.jitgrad.compile.Compiled;
import org.jitgrad.kernels.Gemm;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.optim.AdamW;
import org.jitgrad.tensor.Tensor;

/**
 * One compiled training step of {@link GptStepBenchmark}'s model per {@link #run()} (the default configuration,
 * AdamW, clipping, the batch split data-parallel over {@code threads}), cycling through the same seeded batches. What
 * {@link PairedSteps} loads from each jar it compares.
 */
public final class GptTrainingStep implements Runnable {
    private final Compiled step;
    private final Tensor[][] batches = GptStepBenchmark.trainingBatches(12, 64);
    private int next;

    /** @param threads the GEMM parallelism and data-parallel replicas (1 or more) */
    public GptTrainingStep(int threads) {
        Gemm.setParallelism(threads);
        Gpt gpt = new Gpt(GptConfig.shakespeareCpu(65), 1337);
        AdamW opt = AdamW.withDecayOnMatrices(gpt.parameters(), 1e-3f, 0.9f, 0.99f, 1e-8f, 0.1f);
        step = Compiled.trace(in -> gpt.loss(in[0], in[1])).withOptimizer(opt).withGradClipping(1f)
                .withDataParallel(threads);
    }

    @Override
    public void run() {
        step.run(batches[next++ % batches.length]);
    }
}
