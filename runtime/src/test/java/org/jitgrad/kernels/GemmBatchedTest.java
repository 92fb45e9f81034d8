package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Gemm#matmulBatched}: every product of the batch against a double-precision triple loop, with broadcast
 * (stride 0) operands, offsets and both transposes; and the same bits whether the batch runs on one thread, is dealt
 * out whole to two, or its products are each split across two.
 */
class GemmBatchedTest {
    /** One batched product with operands at offsets; strides of 0 broadcast an operand. */
    record Case(int batch0, int batch1, int m, int k, int n, boolean transA, boolean transB,
                boolean broadcastA0, boolean broadcastB1) {
        int aStride1() { return m * k; }
        int aStride0() { return broadcastA0 ? 0 : batch1 * m * k; }
        int bStride1() { return broadcastB1 ? 0 : k * n; }
        int bStride0() { return (broadcastB1 ? 1 : batch1) * k * n; }
        int aLength() { return (broadcastA0 ? 1 : batch0) * batch1 * m * k; }
        int bLength() { return batch0 * (broadcastB1 ? 1 : batch1) * k * n; }

        @Override
        public String toString() {
            return batch0 + "x" + batch1 + " of " + m + "x" + k + (transA ? "ᵀ" : "") + " · " + k + "x" + n
                    + (transB ? "ᵀ" : "") + (broadcastA0 ? " A repeated on axis 0" : "")
                    + (broadcastB1 ? " B repeated on axis 1" : "");
        }
    }

    private static final int A_OFF = 3, B_OFF = 5, C_OFF = 2;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] sizes = {{1, 1, 1}, {7, 17, 3}, {17, 1, 33}, {64, 32, 64}, {33, 7, 17}};
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                cases.add(Arguments.of(new Case(3, 4, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, false, false)));
                cases.add(Arguments.of(new Case(2, 5, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, true, true)));
            }
        }
        cases.add(Arguments.of(new Case(1, 1, 7, 17, 3, false, false, false, false)));
        cases.add(Arguments.of(new Case(12, 4, 64, 32, 64, false, true, false, false)));
        return cases.stream();
    }

    /** {@code n} floats uniform in [-1, 1) from {@code seed}. */
    static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyProductMatchesTheTripleLoopOnAnyNumberOfThreads(Case cs) {
        float[] a = random(1, A_OFF + cs.aLength()), b = random(2, B_OFF + cs.bLength());
        int cLength = C_OFF + cs.batch0() * cs.batch1() * cs.m() * cs.n() + 4;
        long work = (long) cs.m() * cs.k() * cs.n();
        float[] one = run(cs, a, b, cLength, 1, Gemm.PARALLEL_THRESHOLD);
        float[] dealt = run(cs, a, b, cLength, 2, work + 1);    // whole products dealt out to two threads
        float[] split = run(cs, a, b, cLength, 2, 1);           // each product split across two threads
        float[] pub = new float[cLength];
        Gemm.matmulBatched(a, A_OFF, cs.aStride0(), cs.aStride1(), cs.transA(), b, B_OFF, cs.bStride0(), cs.bStride1(),
                cs.transB(), pub, C_OFF, cs.batch0(), cs.batch1(), cs.m(), cs.k(), cs.n());
        assertArrayEquals(one, dealt, "dealt out whole to two threads");
        assertArrayEquals(one, split, "each product split across two threads");
        assertArrayEquals(one, pub, "public entry");
        assertEquals(0f, one[0], "before C");
        assertEquals(0f, one[cLength - 1], "after C");
        int m = cs.m(), k = cs.k(), n = cs.n();
        for (int i0 = 0; i0 < cs.batch0(); i0++) {
            for (int i1 = 0; i1 < cs.batch1(); i1++) {
                int aOff = A_OFF + i0 * cs.aStride0() + i1 * cs.aStride1(), bOff = B_OFF + i0 * cs.bStride0() + i1 * cs.bStride1();
                int cOff = C_OFF + (i0 * cs.batch1() + i1) * m * n;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0, bound = 0;
                        for (int p = 0; p < k; p++) {
                            double term = (double) (cs.transA() ? a[aOff + p * m + i] : a[aOff + i * k + p])
                                    * (cs.transB() ? b[bOff + j * k + p] : b[bOff + p * n + j]);
                            s += term;
                            bound += Math.abs(term);
                        }
                        float got = one[cOff + i * n + j];
                        if (Math.abs(got - s) > 1e-6 * (k + 1) * bound + 1e-30) {
                            fail(cs + ": product (" + i0 + "," + i1 + ") element (" + i + "," + j + ") expected " + s
                                    + " but was " + got);
                        }
                    }
                }
            }
        }
    }

    private static float[] run(Case cs, float[] a, float[] b, int cLength, int threads, long threshold) {
        float[] c = new float[cLength];
        Gemm.runBatched(a, A_OFF, cs.aStride0(), cs.aStride1(), cs.transA(), b, B_OFF, cs.bStride0(), cs.bStride1(),
                cs.transB(), c, C_OFF, cs.batch0(), cs.batch1(), cs.m(), cs.k(), cs.n(), threads, threshold);
        return c;
    }

    @Test
    void concurrentCallersDealingOutBatchesGetTheirOwnResults() throws Exception {
        Case cs = new Case(6, 8, 33, 17, 31, false, true, false, false);
        float[] a = random(3, A_OFF + cs.aLength()), b = random(4, B_OFF + cs.bLength());
        int cLength = C_OFF + cs.batch0() * cs.batch1() * cs.m() * cs.n();
        float[] expected = run(cs, a, b, cLength, 1, Gemm.PARALLEL_THRESHOLD);
        long threshold = (long) cs.m() * cs.k() * cs.n() + 1;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) results.add(pool.submit(() -> run(cs, a, b, cLength, 2, threshold)));
            for (Future<float[]> f : results) assertArrayEquals(expected, f.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeAnythingIsWritten() {
        float[] a = new float[2 * 3 * 4], b = new float[2 * 4 * 5], c = new float[2 * 3 * 5];
        java.util.Arrays.fill(c, 9f);
        assertMessage(() -> Gemm.matmulBatched(a, 0, 12, -1, false, b, 0, 20, 0, false, c, 0, 2, 1, 3, 4, 5),
                "strides must be >= 0", "-1");
        assertMessage(() -> Gemm.matmulBatched(a, 0, 12, 0, false, b, 0, 20, 0, false, c, 0, -2, 1, 3, 4, 5),
                "batch", "-2");
        // the second product of A would start at 13 and need 12 elements: past a.length 24
        assertMessage(() -> Gemm.matmulBatched(a, 0, 13, 0, false, b, 0, 20, 0, false, c, 0, 2, 1, 3, 4, 5),
                "A", "a.length = 24");
        assertMessage(() -> Gemm.matmulBatched(a, 0, 12, 0, false, b, 0, 20, 0, false, c, 1, 2, 1, 3, 4, 5),
                "C", "c.length = 30");
        for (float v : c) assertEquals(9f, v, "C was written before the arguments were checked");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message should name '" + p + "': " + e.getMessage());
    }
}
