package org.jitgrad.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jitgrad.compile.Compiled;
import org.jitgrad.nn.LeNet;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
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
 * Workload {@code cnn}: one training step of the LeNet-5-style network {@code ./jitgrad train --model cnn} trains
 * ({@link LeNet#classic}: conv 5x5 to 6 channels with padding 2, ReLU, max-pool 2, conv 5x5 to 16, ReLU, max-pool 2,
 * 400-120-84-10 with ReLU) on one fixed batch of 64 images {@code [64, 784]} and random labels: forward,
 * cross-entropy, backward and Adam (lr 1e-3). The compiled mode fuses the update into the generated step.
 * {@code benchmarks/pytorch/cnn_torch.py} runs the same step in PyTorch eager. The GEMM kernels' thread count is the
 * fork's {@code -Djitgrad.threads} (1 in the annotation; pass {@code -jvmArgsAppend} for 2).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 15, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djitgrad.threads=1", "-Xms2g", "-Xmx2g",
        "-XX:Tier3DelayOn=100000"})  // as ./jitgrad passes it (README, Limits: allocation after a long JIT history)
public class CnnStepBenchmark {
    /** Images per step. */
    public static final int BATCH = 64;

    @Param({"compiled", "tape"})
    public String mode;

    private Sequential net;
    private Adam opt;
    private Compiled step;
    private Tensor[] batch;

    @Setup(Level.Trial)
    public void setUp() {
        net = LeNet.classic(42);
        opt = new Adam(net.parameters(), 1e-3f);
        Random r = new Random(2);
        float[] labels = new float[BATCH];
        for (int i = 0; i < BATCH; i++) labels[i] = r.nextInt(10);
        // Standardized pixels are roughly standard normal; the fixed batch stands in for one of them.
        batch = new Tensor[] {Tensor.randn(1, BATCH, LeNet.INPUTS), Tensor.of(labels, BATCH)};
        if (mode.equals("compiled")) {
            step = Compiled.trace(in -> Losses.crossEntropy(net.forward(in[0]), in[1])).withOptimizer(opt);
        } else if (!mode.equals("tape")) {
            throw new IllegalArgumentException("unknown mode '" + mode + "'; expected compiled or tape");
        }
        float first = once();  // the compiled mode traces and compiles here, outside the measurement
        if (!Float.isFinite(first)) throw new IllegalStateException("cnn/" + mode + ": first loss is " + first);
    }

    private float once() {
        if (step != null) return step.run(batch);
        opt.zeroGrad();
        Tensor loss = Losses.crossEntropy(net.forward(batch[0]), batch[1]);
        loss.backward();
        opt.step();
        return loss.item();
    }

    /** One training step. */
    @Benchmark
    public void step(Blackhole bh) {
        bh.consume(once());
    }
}
