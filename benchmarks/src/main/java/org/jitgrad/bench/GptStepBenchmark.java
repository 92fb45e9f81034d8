package org.jitgrad.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jitgrad.compile.Compiled;
import org.jitgrad.data.CharCorpus;
import org.jitgrad.data.WindowSampler;
import org.jitgrad.kernels.Gemm;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.optim.AdamW;
import org.jitgrad.optim.GradClip;
import org.jitgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One training step of nanoGPT's CPU configuration (4 layers, 4 heads, width 128, context 64, batch 12, vocabulary
 * 65): forward, cross-entropy, backward, gradient clipping at 1.0 and AdamW (betas 0.9/0.99, decay 0.1 on matrices
 * only); the compiled mode fuses clipping and the update into the step. The steps cycle through {@value #BATCHES}
 * batches of windows of the bundled tinyshakespeare's training split (seeded, read from {@code data/} or the folder
 * the system property {@code jitgrad.data} names), so the model trains as in a real run: on one fixed batch it
 * memorized the batch (loss 0.002 after 1,000 steps), a regime no training run is in.
 * {@code benchmarks/pytorch/gpt_torch.py step} runs the same step in PyTorch eager. {@code threads} sets the
 * kernels' thread count: the compiled step then splits the batch into that many shards
 * ({@code Compiled.withDataParallel}), the tape splits its products.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djitgrad.threads=1", "-Xms2g", "-Xmx2g",
        "-XX:Tier3DelayOn=100000"})  // as ./jitgrad passes it (README, Limits: allocation after a long JIT history)
public class GptStepBenchmark {
    @Param({"compiled", "tape"})
    public String mode;

    @Param({"1", "2"})
    public int threads;

    private Gpt gpt;
    private AdamW opt;
    private Compiled step;
    /** How many distinct batches the steps cycle through. */
    public static final int BATCHES = 64;

    private Tensor[][] batches;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Gemm.setParallelism(threads);
        gpt = new Gpt(GptConfig.shakespeareCpu(65), 1337);
        opt = AdamW.withDecayOnMatrices(gpt.parameters(), 1e-3f, 0.9f, 0.99f, 1e-8f, 0.1f);
        batches = trainingBatches(12, 64);
        if (mode.equals("compiled")) {
            step = Compiled.trace(in -> gpt.loss(in[0], in[1])).withOptimizer(opt).withGradClipping(1f)
                    .withDataParallel(threads);
        } else if (!mode.equals("tape")) {
            throw new IllegalArgumentException("unknown mode '" + mode + "'; expected compiled or tape");
        }
        once();
    }

    /** {@link #BATCHES} batches of {@code batch} windows of {@code block + 1} characters, from a seeded sampler. */
    static Tensor[][] trainingBatches(int batch, int block) {
        Path file = Path.of(System.getProperty("jitgrad.data", "data"), "tinyshakespeare", "input.txt.gz");
        CharCorpus corpus;
        try {
            corpus = CharCorpus.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("GptStepBenchmark reads the bundled text " + file.toAbsolutePath()
                    + " (run from the repository root, or set -Djitgrad.data)", e);
        }
        WindowSampler sampler = new WindowSampler(corpus.train(), batch, block, 7);
        Tensor[][] drawn = new Tensor[BATCHES][];
        for (int i = 0; i < BATCHES; i++) {
            Tensor[] pair = sampler.next();   // reused by the sampler: copy
            drawn[i] = new Tensor[] {Tensor.of(pair[0].toArray(), batch, block), Tensor.of(pair[1].toArray(), batch, block)};
        }
        return drawn;
    }

    private float once() {
        Tensor[] batch = batches[next];
        next = (next + 1) % BATCHES;
        if (step != null) return step.run(batch);
        opt.zeroGrad();
        Tensor loss = gpt.loss(batch[0], batch[1]);
        loss.backward();
        GradClip.clipGradNorm(opt.parameters(), 1f);
        opt.step();
        return loss.item();
    }

    /** One training step. */
    @Benchmark
    public void step(Blackhole bh) {
        bh.consume(once());
    }
}
