package org.jitgrad.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * OpenBLAS's {@code cblas_sgemm}, called in-process through the JDK's foreign function API, so that JitGrad's GEMM and
 * the peer are measured by the same harness, in the same kind of JVM fork, on the same arrays. The library is the
 * file named by the system property {@code jitgrad.bench.openblas} or else the environment variable
 * {@code JITGRAD_OPENBLAS} (which JMH's forks inherit), or {@code libopenblas.so.0} on the loader's path. Builds
 * that prefix their symbols (the {@code scipy-openblas} wheels: {@code scipy_cblas_sgemm}) are found too.
 * Heap arrays are passed directly (a critical call: no copies, no GC during the call).
 */
final class OpenBlas {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private final MethodHandle sgemm, setThreads, coreName;

    private OpenBlas(MethodHandle sgemm, MethodHandle setThreads, MethodHandle coreName) {
        this.sgemm = sgemm;
        this.setThreads = setThreads;
        this.coreName = coreName;
    }

    /** Loads the library, or fails saying which file and symbols were looked for. */
    static OpenBlas load() {
        String fromEnv = System.getenv("JITGRAD_OPENBLAS");
        String file = System.getProperty("jitgrad.bench.openblas", fromEnv != null ? fromEnv : "libopenblas.so.0");
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(file, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("OpenBLAS not found: " + file
                    + " (set JITGRAD_OPENBLAS=/path/to/libopenblas.so)", e);
        }
        Linker linker = Linker.nativeLinker();
        for (String prefix : new String[] {"", "scipy_"}) {
            Optional<MemorySegment> gemm = lib.find(prefix + "cblas_sgemm");
            Optional<MemorySegment> threads = lib.find(prefix + "openblas_set_num_threads");
            if (gemm.isEmpty() || threads.isEmpty()) {
                continue;
            }
            MethodHandle sgemm = linker.downcallHandle(gemm.get(), FunctionDescriptor.ofVoid(
                    I, I, I, I, I, I, F, ValueLayout.ADDRESS, I, ValueLayout.ADDRESS, I, F, ValueLayout.ADDRESS, I),
                    Linker.Option.critical(true));
            MethodHandle setThreads = linker.downcallHandle(threads.get(), FunctionDescriptor.ofVoid(I));
            MethodHandle coreName = lib.find(prefix + "openblas_get_corename")
                    .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.ADDRESS)))
                    .orElse(null);
            return new OpenBlas(sgemm, setThreads, coreName);
        }
        throw new IllegalStateException(file + " has no cblas_sgemm and openblas_set_num_threads (plain or scipy_)");
    }

    /** Sets the library's thread count for the calls that follow. */
    void setThreads(int threads) {
        try {
            setThreads.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The kernel family OpenBLAS picked for this CPU (for example "Zen" or "SkylakeX"), or "?" if not exported. */
    String coreName() {
        if (coreName == null) {
            return "?";
        }
        try {
            MemorySegment s = (MemorySegment) coreName.invokeExact();
            return s.reinterpret(64).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code C = op(A)·op(B)} with row-major operands stored as in {@link org.jitgrad.kernels.Gemm#matmul}. */
    void sgemm(float[] a, boolean transA, float[] b, boolean transB, float[] c, int m, int k, int n) {
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1f,
                    MemorySegment.ofArray(a), transA ? m : k, MemorySegment.ofArray(b), transB ? k : n, 0f,
                    MemorySegment.ofArray(c), n);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
