package org.jitgrad.bench;

import java.util.concurrent.TimeUnit;
import org.jitgrad.compile.Compiled;
import org.jitgrad.optim.Optimizer;
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
 * Training steps per second of the reference {@link Workload}s, on one fixed batch, in three modes:
 *
 * <ul>
 *   <li>{@code tape}: {@code opt.zeroGrad()}, forward, loss, {@code loss.backward()}, {@code opt.step()}
 *   <li>{@code compiled}: {@code Compiled.run(x, y)} (forward and backward in generated code), then the
 *       same SGD's {@code opt.step()} outside
 *   <li>{@code compiledFused}: {@code Compiled.trace(fn).withOptimizer(opt).run(x, y)}: the update too
 *       runs inside the generated class
 *   <li>{@code compiledFusedDynamic}: the same with {@code withDynamicBatch()}: the one program for every
 *       batch size (sizes read from its size table) on the same fixed batch, to measure what that costs
 * </ul>
 *
 * The default {@code mode} list leaves {@code compiledFusedDynamic} out; ask for it with {@code -p mode=...}.
 *
 * Each op is one complete step, the loss goes to a {@link Blackhole}. The model trains from the
 * fixed-seed start for the whole trial (SGD, lr 0.01, momentum 0.9), as in the PyTorch script. The
 * first compile happens in the trial setup, outside every iteration; the warm-up then has to cover
 * the JIT's tiers (run with {@code benchmarks/run}, which sets the iteration counts).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djitgrad.threads=1", "-Xms2g", "-Xmx2g",
        "-XX:Tier3DelayOn=100000"})  // as ./jitgrad passes it (README, Limits: allocation after a long JIT history)
public class TrainingStepBenchmark {
    @Param({"tiny", "mnist", "wide", "deep"})
    public String workload;

    @Param({"tape", "compiled", "compiledFused"})
    public String mode;

    private Workload.Instance w;
    private Optimizer opt;
    private Compiled compiled;
    private StepMode stepMode;

    enum StepMode { TAPE, COMPILED, COMPILED_FUSED, COMPILED_FUSED_DYNAMIC }

    private Tensor[] inputs;

    @Setup(Level.Trial)
    public void setUp() {
        w = Workload.of(workload).instantiate();
        opt = w.newOptimizer();
        stepMode = switch (mode) {
            case "tape" -> StepMode.TAPE;
            case "compiled" -> StepMode.COMPILED;
            case "compiledFused" -> StepMode.COMPILED_FUSED;
            case "compiledFusedDynamic" -> StepMode.COMPILED_FUSED_DYNAMIC;
            default -> throw new IllegalArgumentException("unknown mode '" + mode
                    + "'; expected tape, compiled, compiledFused or compiledFusedDynamic");
        };
        inputs = new Tensor[] {w.x(), w.y()};  // reused: a varargs call would allocate the array each step
        if (stepMode == StepMode.COMPILED) compiled = w.compiled();
        if (stepMode == StepMode.COMPILED_FUSED) compiled = w.compiled().withOptimizer(opt);
        if (stepMode == StepMode.COMPILED_FUSED_DYNAMIC) compiled = w.compiled().withOptimizer(opt).withDynamicBatch();
        // The first step traces and compiles (compiled modes): keep it out of the measured iterations.
        float first = stepOnce();
        if (!Float.isFinite(first)) throw new IllegalStateException(workload + "/" + mode + ": first loss is " + first);
    }

    private float stepOnce() {
        return switch (stepMode) {
            case TAPE -> w.tapeStep(opt);
            case COMPILED -> {
                float loss = compiled.run(inputs);
                opt.step();
                yield loss;
            }
            case COMPILED_FUSED, COMPILED_FUSED_DYNAMIC -> compiled.run(inputs);
        };
    }

    /** One training step. */
    @Benchmark
    public void step(Blackhole bh) {
        bh.consume(stepOnce());
    }
}
