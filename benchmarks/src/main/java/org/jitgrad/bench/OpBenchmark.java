package org.jitgrad.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jitgrad.compile.Compiled;
import org.jitgrad.compile.TensorFn;
import org.jitgrad.nn.Block;
import org.jitgrad.nn.CausalSelfAttention;
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
 * Forward plus backward of single layers from the transformer and CNN vocabulary, the same shapes as
 * {@code benchmarks/pytorch/ops_torch.py}: the objective is {@code Σ layer(x)·R} for a fixed random R, so
 * the backward pass is seeded with R, as {@code y.backward(R)} is in PyTorch.
 *
 * <ul>
 *   <li>{@code layerNorm}: {@code [12, 64, 128]} with weight and bias (nanoGPT's activations)
 *   <li>{@code attention}: {@code CausalSelfAttention(128, 4 heads)} on {@code [12, 64, 128]}
 *   <li>{@code block}: a transformer {@code Block(128, 4 heads)} (nanoGPT's, no biases) on {@code [12, 64, 128]}
 *   <li>{@code conv2d}: LeNet's first convolution, {@code [64, 1, 28, 28]} to 6 channels, 5x5, padding 2, bias
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djitgrad.threads=1", "-Xms2g", "-Xmx2g",
        "-XX:Tier3DelayOn=100000"})  // as ./jitgrad passes it (README, Limits: allocation after a long JIT history)
public class OpBenchmark {
    @Param({"layerNorm", "attention", "block", "conv2d"})
    public String op;

    @Param({"tape", "compiled"})
    public String mode;

    private List<Tensor> params;
    private TensorFn objective;
    private Compiled compiled;
    private Tensor x;
    private Tensor[] inputs;

    @Setup(Level.Trial)
    public void setUp() {
        switch (op) {
            case "layerNorm" -> {
                x = Tensor.randn(1, 12, 64, 128).requiresGrad();
                Tensor w = Tensor.randn(2, 128).requiresGrad(), b = Tensor.randn(3, 128).requiresGrad();
                Tensor r = Tensor.randn(4, 12, 64, 128);
                params = List.of(x, w, b);
                objective = in -> x.layerNorm(w, b, 1e-5f).mul(r).sum();
            }
            case "attention" -> {
                x = Tensor.randn(1, 12, 64, 128).requiresGrad();
                CausalSelfAttention attn = new CausalSelfAttention(128, 4, 0f, false, 5);
                Tensor r = Tensor.randn(4, 12, 64, 128);
                params = new java.util.ArrayList<>(attn.parameters());
                params.add(x);
                objective = in -> attn.forward(x).mul(r).sum();
            }
            case "block" -> {
                x = Tensor.randn(1, 12, 64, 128).requiresGrad();
                Block block = new Block(128, 4, 0f, false, 5);
                Tensor r = Tensor.randn(4, 12, 64, 128);
                params = new java.util.ArrayList<>(block.parameters());
                params.add(x);
                objective = in -> block.forward(x).mul(r).sum();
            }
            case "conv2d" -> {
                x = Tensor.randn(1, 64, 1, 28, 28).requiresGrad();
                Tensor w = Tensor.randn(2, 6, 1, 5, 5).mul(0.2f).detach().requiresGrad();
                Tensor b = Tensor.randn(3, 6).requiresGrad();
                Tensor r = Tensor.randn(4, 64, 6, 28, 28);
                params = List.of(x, w, b);
                objective = in -> x.conv2d(w, b, 1, 2).mul(r).sum();
            }
            default -> throw new IllegalArgumentException("unknown op '" + op + "'; expected layerNorm, attention, block or conv2d");
        }
        inputs = new Tensor[0];  // x is captured as a parameter, so both engines compute its gradient too
        if (mode.equals("compiled")) {
            compiled = Compiled.trace(objective);
        } else if (!mode.equals("tape")) {
            throw new IllegalArgumentException("unknown mode '" + mode + "'; expected tape or compiled");
        }
        once();  // the compiled mode traces and compiles here, outside the measurement
    }

    private float once() {
        if (compiled != null) return compiled.run(inputs);
        for (Tensor p : params) p.zeroGrad();
        Tensor loss = objective.apply(inputs);
        loss.backward();
        return loss.item();
    }

    /** One forward and backward pass. */
    @Benchmark
    public void forwardBackward(Blackhole bh) {
        bh.consume(once());
    }
}
