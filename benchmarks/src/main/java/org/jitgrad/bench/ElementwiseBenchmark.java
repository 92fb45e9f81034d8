package org.jitgrad.bench;

import java.util.concurrent.TimeUnit;
import org.jitgrad.kernels.BinaryKernels;
import org.jitgrad.kernels.GradKernels;
import org.jitgrad.kernels.ReduceKernels;
import org.jitgrad.kernels.ScalarKernels;
import org.jitgrad.kernels.SoftmaxKernels;
import org.jitgrad.kernels.UnaryKernels;
import org.jitgrad.kernels.UpdateKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Vector API kernels against their plain scalar references ({@link ScalarKernels}), per element
 * count: does the SIMD path beat the scalar one? Reports time per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ElementwiseBenchmark {
    @Param({"1024", "65536"})
    public int n;

    @Param({"add", "tanh", "sigmoid", "exp", "reluGrad", "tanhGrad", "sum", "softmaxRows", "sgdMomentum", "adam",
            "square", "rsqrt"})
    public String kernel;

    private float[] a;
    private float[] b;
    private float[] c;
    private float[] d;
    private float[] e;
    /** Positive inputs, for {@code rsqrt} (layer norm's {@code pow(var + eps, -0.5)}). */
    private float[] positive;

    @Setup
    public void setUp() {
        java.util.Random r = new java.util.Random(1);
        a = new float[n];
        b = new float[n];
        c = new float[n];
        d = new float[n];
        e = new float[n];
        positive = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
            b[i] = (float) r.nextGaussian() * 0.1f;
            positive[i] = Math.abs(a[i]) + 0.5f;
        }
    }

    @Benchmark
    public float simd() {
        switch (kernel) {
            case "add" -> BinaryKernels.addVV(a, 0, b, 0, c, 0, n);
            case "tanh" -> UnaryKernels.tanh(a, c, n);
            case "sigmoid" -> UnaryKernels.sigmoid(a, c, n);
            case "exp" -> UnaryKernels.exp(b, c, n);
            case "reluGrad" -> GradKernels.reluGrad(b, a, c, n);
            case "tanhGrad" -> GradKernels.tanhGrad(b, a, c, n);
            case "sum" -> { return ReduceKernels.sum(a, n); }
            case "softmaxRows" -> SoftmaxKernels.softmax(a, n / 64, 64, 1, c);
            case "sgdMomentum" -> UpdateKernels.sgd(c, b, d, n, 0.01f, 0.9f, 0f, false);
            case "adam" -> UpdateKernels.adam(c, b, d, e, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 0.1f, 0.001f);
            case "square" -> UnaryKernels.pow(a, 2f, c, n);
            case "rsqrt" -> UnaryKernels.pow(positive, -0.5f, c, n);
            default -> throw new IllegalArgumentException(kernel);
        }
        return c[n - 1];
    }

    @Benchmark
    public float scalar() {
        switch (kernel) {
            case "add" -> ScalarKernels.addVV(a, 0, b, 0, c, 0, n);
            case "tanh" -> ScalarKernels.tanh(a, c, n);
            case "sigmoid" -> ScalarKernels.sigmoid(a, c, n);
            case "exp" -> ScalarKernels.exp(b, c, n);
            case "reluGrad" -> ScalarKernels.reluGrad(b, a, c, n);
            case "tanhGrad" -> ScalarKernels.tanhGrad(b, a, c, n);
            case "sum" -> { return ScalarKernels.sum(a, n); }
            case "softmaxRows" -> ScalarKernels.softmax(a, n / 64, 64, 1, c);
            case "sgdMomentum" -> ScalarKernels.sgd(c, b, d, n, 0.01f, 0.9f, 0f, false);
            case "adam" -> ScalarKernels.adam(c, b, d, e, n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 0.1f, 0.001f);
            case "square" -> ScalarKernels.pow(a, 2f, c, n);
            case "rsqrt" -> ScalarKernels.pow(positive, -0.5f, c, n);
            default -> throw new IllegalArgumentException(kernel);
        }
        return c[n - 1];
    }
}
