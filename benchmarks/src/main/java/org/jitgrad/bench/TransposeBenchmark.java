package org.jitgrad.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jitgrad.kernels.ScalarKernels;
import org.jitgrad.kernels.TransposeKernel;
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
 * The 2-D transpose (used for {@code A·Bᵀ} products and the transpose op): the Vector API kernel, whose
 * full 16x16 blocks are transposed in registers, against the scalar reference loop. Time per call.
 *
 * <p>{@code depth} calls the kernel that many frames below the benchmark method. A kernel that spills vectors to the
 * stack runs at a speed that depends on where the stack pointer falls, so its time changes with the depth (the
 * first form of {@code TransposeKernel.block} did: see its comment).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Thread)
public class TransposeBenchmark {
    /** rows x cols of the source: a deep layer's weight, MNIST's first weight, an odd size. */
    @Param({"64x64", "784x256", "33x65"})
    public String shape;

    /** Extra frames between the benchmark method and the kernel. */
    @Param({"0"})
    public int depth;

    private float[] x, out;
    private int rows, cols;

    /** Allocates the operands. */
    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        rows = Integer.parseInt(p[0]);
        cols = Integer.parseInt(p[1]);
        x = new float[rows * cols];
        out = new float[rows * cols];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    }

    /** @return the transpose, so it is consumed */
    @Benchmark
    public float[] vector() {
        return transposeAt(depth);
    }

    private float[] transposeAt(int frames) {
        if (frames > 0) {
            return transposeAt(frames - 1);
        }
        TransposeKernel.transpose(x, rows, cols, out);
        return out;
    }

    /** @return the transpose, so it is consumed */
    @Benchmark
    public float[] scalar() {
        ScalarKernels.transpose(x, rows, cols, out);
        return out;
    }
}
