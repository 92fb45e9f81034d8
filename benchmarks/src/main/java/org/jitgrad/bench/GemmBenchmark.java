package org.jitgrad.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jitgrad.kernels.Gemm;
import org.jitgrad.kernels.GemmReference;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matrix multiply throughput. Time per call (us/op); GFLOP/s = 2*m*n*k / time. Shapes: squares, and the MNIST MLP
 * (64x784 by 784x256) and a wide layer (256x1024 by 1024x1024) with their two backward products
 * (dW = X^T·dY, dX = dY·W^T).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {

    /** Operands for one shape: name = m x k x n, with the stored layouts. */
    static class Operands {
        float[] a, b, c;
        int m, k, n;
        boolean transA, transB;

        void init(String shape) {
            switch (shape) {
                case "sq256" -> set(256, 256, 256, false, false);
                case "sq512" -> set(512, 512, 512, false, false);
                case "sq1024" -> set(1024, 1024, 1024, false, false);
                case "mnist_fwd" -> set(64, 784, 256, false, false);      // Y = X·W
                case "mnist_dW" -> set(784, 64, 256, true, false);        // dW = X^T·dY
                case "mnist_dX" -> set(64, 256, 784, false, true);        // dX = dY·W^T
                case "wide_fwd" -> set(256, 1024, 1024, false, false);
                case "wide_dW" -> set(1024, 256, 1024, true, false);
                case "wide_dX" -> set(256, 1024, 1024, false, true);
                case "small16" -> set(16, 32, 64, false, false);
                case "small32" -> set(32, 64, 64, false, false);         // deep's forward: 32x64 by 64x64
                case "small32_dW" -> set(64, 32, 64, true, false);       // deep's dW = X^T·dY
                case "small32_dX" -> set(32, 64, 64, false, true);       // deep's dX = dY·W^T
                // nanoGPT's CPU configuration (768 tokens, width 128): the layers' forward products, their dX and dW
                case "gpt_qkv" -> set(768, 128, 384, false, false);
                case "gpt_fc" -> set(768, 128, 512, false, false);
                case "gpt_mproj" -> set(768, 512, 128, false, false);
                case "gpt_qkv_dX" -> set(768, 384, 128, false, true);
                case "gpt_qkv_dW" -> set(128, 768, 384, true, false);
                case "gpt_mproj_dW" -> set(512, 768, 128, true, false);
                case "gpt_head" -> set(768, 128, 65, false, true);       // logits = X·wte^T (tied embedding)
                default -> throw new IllegalArgumentException(shape);
            }
        }

        private void set(int m, int k, int n, boolean transA, boolean transB) {
            this.m = m; this.k = k; this.n = n; this.transA = transA; this.transB = transB;
            SplittableRandom r = new SplittableRandom(1);
            a = new float[m * k];
            b = new float[k * n];
            c = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        }
    }

    /** Every shape on one and two threads: what both libraries are measured on. */
    @State(Scope.Thread)
    public abstract static class ShapeAndThreads extends Operands {
        /** Shape name, see {@link Operands#init(String)}. */
        @Param({"sq256", "sq512", "sq1024", "mnist_fwd", "mnist_dW", "mnist_dX", "wide_fwd", "wide_dW", "wide_dX",
                "small16", "small32", "small32_dW", "small32_dX"})
        public String shape;

        /** Threads the library may use. */
        @Param({"1", "2"})
        public int threads;

        /**
         * After a two-thread fork's last iteration, prints what the host gave the two threads ({@link TwoCoreCheck}).
         * It first waits a second: OpenBLAS's threads keep spinning after a call, and the check run at once timed
         * their spinning (round trips of 4-5 us, the product at 350-830 us instead of 235). Even so, some checks in
         * the forks of either library find both threads at about 350 us, as if a third thread were running; the
         * check is a hint about the fork, not a proof.
         *
         * @throws InterruptedException if interrupted while waiting
         */
        @TearDown(Level.Trial)
        public void checkCores() throws InterruptedException {
            if (threads == 2) {
                Thread.sleep(1000);
                System.out.println(TwoCoreCheck.run());
            }
        }
    }

    /** The Vector API kernel, single-threaded and on 2 threads. */
    @State(Scope.Thread)
    public static class GemmState extends ShapeAndThreads {
        /** Allocates the operands and sets the thread count ({@link Gemm#setParallelism(int)}). */
        @Setup(Level.Trial)
        public void setup() {
            init(shape);
            Gemm.setParallelism(threads);
        }
    }

    /** OpenBLAS through {@link OpenBlas}, on the same shapes and thread counts: the peer in the same harness. */
    @State(Scope.Thread)
    public static class OpenBlasState extends ShapeAndThreads {
        OpenBlas blas;

        /** Loads the library (failing the trial if it is absent), allocates the operands, sets the thread count
         * ({@code openblas_set_num_threads}). */
        @Setup(Level.Trial)
        public void setup() {
            init(shape);
            blas = OpenBlas.load();
            blas.setThreads(threads);
            System.out.println("OpenBLAS core: " + blas.coreName());
            // The peer must compute the same product, or its time means nothing.
            float[] expected = new float[c.length];
            Gemm.matmul(a, 0, transA, b, 0, transB, expected, 0, m, k, n, false);
            blas.sgemm(a, transA, b, transB, c, m, k, n);
            for (int i = 0; i < c.length; i++) {
                if (!(Math.abs(c[i] - expected[i]) <= 1e-4f * k)) {
                    throw new IllegalStateException("OpenBLAS and JitGrad differ on " + shape + " at " + i + ": "
                            + c[i] + " vs " + expected[i]);
                }
            }
        }
    }

    /**
     * The square products through the public API, {@link Tensor#matmul}: the same kernel plus a new result tensor per
     * call, which is what a one-processor JVM's collector sees (issue: one-processor JVMs).
     */
    @State(Scope.Thread)
    public static class TensorState {
        /** Side of the square operands. */
        @Param({"1024"})
        public int size;

        /** Threads the library may use. */
        @Param({"1"})
        public int threads;

        Tensor a, b;

        /** Random operands, the thread count ({@link Gemm#setParallelism(int)}). */
        @Setup(Level.Trial)
        public void setup() {
            a = Tensor.randn(1, size, size);
            b = Tensor.randn(2, size, size);
            Gemm.setParallelism(threads);
        }
    }

    /** The scalar reference, at sizes where it finishes in reasonable time. */
    @State(Scope.Thread)
    public static class ReferenceState extends Operands {
        /** Shape name, see {@link Operands#init(String)}. */
        @Param({"sq256", "mnist_fwd", "small16", "small32", "small32_dX"})
        public String shape;

        /** Allocates the operands. */
        @Setup(Level.Trial)
        public void setup() {
            init(shape);
        }
    }

    /**
     * One {@link Gemm#matmul} call.
     *
     * @param s operands
     * @return C, so the result is consumed
     */
    @Benchmark
    public float[] gemm(GemmState s) {
        Gemm.matmul(s.a, 0, s.transA, s.b, 0, s.transB, s.c, 0, s.m, s.k, s.n, false);
        return s.c;
    }

    /**
     * One OpenBLAS {@code cblas_sgemm} call on the same operands.
     *
     * @param s operands
     * @return C, so the result is consumed
     */
    @Benchmark
    public float[] openblas(OpenBlasState s) {
        s.blas.sgemm(s.a, s.transA, s.b, s.transB, s.c, s.m, s.k, s.n);
        return s.c;
    }

    /**
     * One {@link Tensor#matmul} call: the product and its new result tensor.
     *
     * @param s operands
     * @return the product, so it is consumed
     */
    @Benchmark
    public Tensor tensorMatmul(TensorState s) {
        return s.a.matmul(s.b);
    }

    /**
     * One {@link GemmReference#matmul} call (scalar, double accumulation).
     *
     * @param s operands
     * @return C, so the result is consumed
     */
    @Benchmark
    public float[] reference(ReferenceState s) {
        GemmReference.matmul(s.a, 0, s.transA, s.b, 0, s.transB, s.c, 0, s.m, s.k, s.n, false);
        return s.c;
    }
}
