package org.jitgrad.bench;

import java.util.concurrent.TimeUnit;
import org.jitgrad.compile.Compiled;
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

/**
 * How long the first {@code run(x, y)} of a new {@link Compiled} takes: trace (which runs the function
 * once eagerly on the real inputs), autodiff, passes, buffer plan, class generation and definition,
 * then one step in the freshly generated class (whose methods start in the interpreter). Every
 * measurement uses a new model and a new {@code Compiled} (no optimizer), built outside the timing.
 *
 * <ul>
 *   <li>{@code coldFirstRun}: the first compile ever, in a fresh JVM: one measurement per fork (six
 *       forks, the fewest that give the median a 95% confidence interval in benchmarks/table.py)
 *   <li>{@code coldSecondRun}: in a fresh JVM, the second {@code run} of the first {@code Compiled}
 *       (the cache hit: one step of generated code that is not JIT-compiled yet, with cold kernels)
 *   <li>{@code warmFirstRun}: the same first run in a JVM that has already compiled the other three
 *       workloads and, in the warm-up iterations, this one several times (trace, compiler and kernels
 *       JIT-compiled)
 *   <li>{@code warmSecondRun}: the second {@code run} of a new {@code Compiled} in that warm JVM
 * </ul>
 *
 * The time of tracing and compiling alone is about {@code firstRun - secondRun} of the same
 * temperature; the steady-state step time is {@code 1 / steps/s} of {@link TrainingStepBenchmark}'s
 * {@code compiled} mode.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CompileLatencyBenchmark {
    /** A new model and a new, uncompiled {@code Compiled} before every measurement. */
    @State(Scope.Thread)
    public static class Fresh {
        @Param({"tiny", "mnist", "wide", "deep"})
        public String workload;

        Workload.Instance w;
        Compiled compiled;

        @Setup(Level.Iteration)
        public void fresh() {
            w = Workload.of(workload).instantiate();
            compiled = w.compiled();
        }
    }

    /** Like {@link Fresh}, but the first run already happened, outside the timing. */
    @State(Scope.Thread)
    public static class FirstRunDone {
        @Param({"tiny", "mnist", "wide", "deep"})
        public String workload;

        Workload.Instance w;
        Compiled compiled;

        @Setup(Level.Iteration)
        public void fresh() {
            w = Workload.of(workload).instantiate();
            compiled = w.compiled();
            compiled.run(w.x(), w.y());
        }
    }

    /** Compiles and runs (twice) each workload other than {@code workload}, two times over. */
    static void compileOthers(String workload) {
        for (Workload other : Workload.values()) {
            if (other.id().equals(workload)) continue;
            for (int i = 0; i < 2; i++) {
                Workload.Instance o = other.instantiate();
                Compiled c = o.compiled();
                c.run(o.x(), o.y());
                c.run(o.x(), o.y());
            }
        }
    }

    /** {@link Fresh} in a JVM where the compiler has already run on the other workloads. */
    @State(Scope.Thread)
    public static class WarmFresh extends Fresh {
        @Setup(Level.Trial)
        public void warm() { compileOthers(workload); }
    }

    /** {@link FirstRunDone} in a JVM where the compiler has already run on the other workloads. */
    @State(Scope.Thread)
    public static class WarmFirstRunDone extends FirstRunDone {
        @Setup(Level.Trial)
        public void warm() { compileOthers(workload); }
    }

    @Benchmark
    @Fork(value = 6, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djitgrad.threads=1", "-Xms2g", "-Xmx2g"})
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public float coldFirstRun(Fresh s) {
        return s.compiled.run(s.w.x(), s.w.y());
    }

    @Benchmark
    @Fork(value = 6, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djitgrad.threads=1", "-Xms2g", "-Xmx2g"})
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public float coldSecondRun(FirstRunDone s) {
        return s.compiled.run(s.w.x(), s.w.y());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djitgrad.threads=1", "-Xms2g", "-Xmx2g"})
    @Warmup(iterations = 8)
    @Measurement(iterations = 10)
    public float warmFirstRun(WarmFresh s) {
        return s.compiled.run(s.w.x(), s.w.y());
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Djitgrad.threads=1", "-Xms2g", "-Xmx2g"})
    @Warmup(iterations = 8)
    @Measurement(iterations = 10)
    public float warmSecondRun(WarmFirstRunDone s) {
        return s.compiled.run(s.w.x(), s.w.y());
    }
}
