package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
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

class GemmTest {
    private static final int[] SIZES = {1, 3, 15, 16, 17, 31, 64, 65, 127, 255, 257};
    private static final boolean[][] LAYOUTS = {{false, false}, {false, true}, {true, false}, {true, true}};

    /** One product: operands with non-zero offsets, the double reference and the float error bound per element. */
    private static final class Case {
        final int m, k, n, aOff, bOff, cOff;
        final boolean transA, transB;
        final float[] a, b, c0;
        final double[] sumAbs;

        Case(int m, int k, int n, boolean transA, boolean transB, long seed) {
            this.m = m; this.k = k; this.n = n; this.transA = transA; this.transB = transB;
            SplittableRandom rnd = new SplittableRandom(seed);
            aOff = 3; bOff = 5; cOff = 7;
            a = random(rnd, aOff + m * k + 2);
            b = random(rnd, bOff + k * n + 1);
            c0 = random(rnd, cOff + m * n + 3);
            sumAbs = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += Math.abs((double) aAt(i, p) * bAt(p, j));
                    }
                    sumAbs[i * n + j] = s;
                }
            }
        }

        float aAt(int i, int p) {
            return transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        }

        float bAt(int p, int j) {
            return transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
        }

        float[] freshC() {
            return c0.clone();
        }

        @Override
        public String toString() {
            return m + "x" + k + "x" + n + (transA ? " A^T" : " A") + (transB ? "·B^T" : "·B");
        }
    }

    private static float[] random(SplittableRandom rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** Float accumulation bound: gamma_{k+2} * sum |a||b| (+ |c| terms for accumulate, + act slack). */
    private static void assertClose(Case cs, float[] expected, float[] actual, boolean accumulate, String what) {
        double u = Math.ulp(1.0f) / 2;
        for (int i = 0; i < cs.m; i++) {
            for (int j = 0; j < cs.n; j++) {
                int ci = cs.cOff + i * cs.n + j;
                double bound = (cs.k + 4) * u * (cs.sumAbs[i * cs.n + j] + (accumulate ? Math.abs(cs.c0[ci]) : 0)
                        + 1) * 1.01 + 1e-6;
                double diff = Math.abs((double) expected[ci] - actual[ci]);
                if (!(diff <= bound)) {
                    fail(what + " " + cs + " at (" + i + "," + j + "): expected " + expected[ci] + " got "
                            + actual[ci] + " diff " + diff + " > bound " + bound);
                }
            }
        }
        // Untouched padding around C.
        for (int i = 0; i < cs.cOff; i++) {
            assertEquals(cs.c0[i], actual[i], "element before C overwritten");
        }
        for (int i = cs.cOff + cs.m * cs.n; i < actual.length; i++) {
            assertEquals(cs.c0[i], actual[i], "element after C overwritten");
        }
    }

    private static float[] gemm(Case cs, boolean accumulate, float[] bias, Epilogue act, int threads) {
        float[] c = cs.freshC();
        // Threshold 0 forces the parallel split even on tiny products when threads > 1.
        Gemm.run(cs.a, cs.aOff, cs.transA, cs.b, cs.bOff, cs.transB, c, cs.cOff, cs.m, cs.k, cs.n, accumulate,
                bias, 1, act, threads, threads > 1 ? 0 : Long.MAX_VALUE);
        return c;
    }

    private static void checkAllForms(Case cs, boolean withEpilogues) {
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] ref = cs.freshC();
            GemmReference.matmul(cs.a, cs.aOff, cs.transA, cs.b, cs.bOff, cs.transB, ref, cs.cOff,
                    cs.m, cs.k, cs.n, accumulate);
            float[] one = gemm(cs, accumulate, null, null, 1);
            assertClose(cs, ref, one, accumulate, "accumulate=" + accumulate);
            float[] two = gemm(cs, accumulate, null, null, 2);
            assertArrayEquals(one, two, "1 vs 2 threads differ: " + cs + " accumulate=" + accumulate);
            float[] three = gemm(cs, accumulate, null, null, 3);
            assertArrayEquals(one, three, "1 vs 3 threads differ: " + cs + " accumulate=" + accumulate);
        }
        if (withEpilogues) {
            float[] bias = random(new SplittableRandom(cs.n), cs.n + 2);
            for (Epilogue act : Epilogue.values()) {
                for (float[] bs : new float[][] {null, bias}) {
                    float[] ref = cs.freshC();
                    GemmReference.matmul(cs.a, cs.aOff, cs.transA, cs.b, cs.bOff, cs.transB, ref, cs.cOff,
                            cs.m, cs.k, cs.n, false, bs, 1, act);
                    float[] one = gemm(cs, false, bs, act, 1);
                    assertClose(cs, ref, one, false, act + (bs == null ? "" : "+bias"));
                    float[] two = gemm(cs, false, bs, act, 2);
                    assertSameBits(act, one, two, "1 vs 2 threads differ with epilogue " + act + ": " + cs);
                    float[] three = gemm(cs, false, bs, act, 3);
                    assertSameBits(act, one, three, "1 vs 3 threads differ with epilogue " + act + ": " + cs);
                    // The public entry point gives the same bits.
                    float[] pub = cs.freshC();
                    Gemm.matmul(cs.a, cs.aOff, cs.transA, cs.b, cs.bOff, cs.transB, pub, cs.cOff,
                            cs.m, cs.k, cs.n, false, bs, 1, act);
                    assertSameBits(act, one, pub, "public entry differs: " + cs);
                }
            }
        }
    }

    static Stream<Arguments> squareSizes() {
        List<Arguments> out = new ArrayList<>();
        for (int s : SIZES) {
            for (boolean[] l : LAYOUTS) {
                out.add(Arguments.of(s, l[0], l[1]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "square {0} transA={1} transB={2}")
    @MethodSource("squareSizes")
    void square(int s, boolean transA, boolean transB) {
        checkAllForms(new Case(s, s, s, transA, transB, s * 31L + (transA ? 1 : 0) + (transB ? 2 : 0)), s <= 65);
    }

    static Stream<Arguments> mixedSizes() {
        SplittableRandom rnd = new SplittableRandom(42);
        List<Arguments> out = new ArrayList<>();
        for (int t = 0; t < 24; t++) {
            int m = SIZES[rnd.nextInt(SIZES.length)];
            int k = SIZES[rnd.nextInt(SIZES.length)];
            int n = SIZES[rnd.nextInt(SIZES.length)];
            boolean[] l = LAYOUTS[t % 4];
            out.add(Arguments.of(m, k, n, l[0], l[1]));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "mixed {0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("mixedSizes")
    void mixed(int m, int k, int n, boolean transA, boolean transB) {
        checkAllForms(new Case(m, k, n, transA, transB, m * 1_000_003L + k * 1009L + n), true);
    }

    static Stream<Arguments> workloadShapes() {
        // 13x40x100: the small path's 4x4, 4x2 and masked 4x1 tiles in one product, and a last single row
        int[][] shapes = {{64, 784, 256}, {256, 1024, 10}, {16, 32, 64}, {32, 64, 64}, {2100, 19, 70}, {2054, 19, 70},
                {13, 40, 100}};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : shapes) {
            for (boolean[] l : LAYOUTS) {
                out.add(Arguments.of(s[0], s[1], s[2], l[0], l[1]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "workload {0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("workloadShapes")
    void workload(int m, int k, int n, boolean transA, boolean transB) {
        checkAllForms(new Case(m, k, n, transA, transB, 7L * m + k + n), true);
    }

    /** A single row or column (the matrix-vector path): every layout, tails of k and of the other side. */
    static Stream<Arguments> vectorShapes() {
        int[][] shapes = {{1, 1, 1}, {1, 17, 1}, {1, 300, 1}, {1, 1, 64}, {1, 5, 7}, {1, 16, 65}, {1, 64, 200},
                {1, 784, 256}, {4, 1, 1}, {7, 5, 1}, {16, 64, 1}, {64, 16, 1}, {65, 17, 1}, {200, 300, 1}};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : shapes) {
            for (boolean[] l : LAYOUTS) {
                out.add(Arguments.of(s[0], s[1], s[2], l[0], l[1]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "vector {0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("vectorShapes")
    void vector(int m, int k, int n, boolean transA, boolean transB) {
        checkAllForms(new Case(m, k, n, transA, transB, 13L * m + 7L * k + n), true);
    }

    /**
     * Products of at least 2^26 multiply-adds run on several threads with A and B packed once into buffers the threads
     * share: odd sizes (an edge sliver of 5 rows, a tail of 35 columns, depth blocks of 201), every layout.
     */
    static Stream<Arguments> directAShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int m : new int[] {6, 7, 12, 14, 64, 65, 130}) {
            for (int[] kn : new int[][] {{1, 17}, {17, 64}, {300, 100}, {33, 513}}) {
                for (boolean[] l : LAYOUTS) {
                    out.add(Arguments.of(m, kn[0], kn[1], l[0], l[1]));
                }
            }
        }
        return out.stream();
    }

    /**
     * Reading A in place and packing it give the same bits: whole regions and sub-regions that start mid-sliver, in
     * both the store and the accumulate form, with an epilogue, over one and two depth blocks and past one B panel.
     * So does computing a region's first columns in the edge block with one-sliver B panels (as a region of a
     * column split does).
     */
    @ParameterizedTest(name = "direct A {0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("directAShapes")
    void readingAInPlaceOrTheEdgeBlockGivesTheBitsOfPackingIt(int m, int k, int n, boolean transA, boolean transB) {
        Case cs = new Case(m, k, n, transA, transB, 31L * m + 7L * k + n);
        float[] bias = random(new SplittableRandom(n), n + 2);
        int[][] regions = {{0, m, 0, n}, {m / 3, m, n / 5, n}, {1, Math.max(1, m - 1), 0, Math.max(1, n / 2)}};
        GemmWorkspace ws = new GemmWorkspace();
        for (int[] r : regions) {
            for (boolean accumulate : new boolean[] {false, true}) {
                for (Epilogue act : new Epilogue[] {null, Epilogue.RELU}) {
                    float[] packed = cs.freshC();
                    float[] direct = cs.freshC();
                    float[] edged = cs.freshC();
                    GemmBlocking.computeRegion(cs.a, cs.aOff, transA, cs.b, cs.bOff, transB, packed, cs.cOff, m, k, n,
                            accumulate, act == null ? null : bias, 1, act, r[0], r[1], r[2], r[3], ws, false, false,
                            GemmBlocking.NC);
                    GemmBlocking.computeRegion(cs.a, cs.aOff, transA, cs.b, cs.bOff, transB, direct, cs.cOff, m, k, n,
                            accumulate, act == null ? null : bias, 1, act, r[0], r[1], r[2], r[3], ws, true, false,
                            GemmBlocking.NC);
                    GemmBlocking.computeRegion(cs.a, cs.aOff, transA, cs.b, cs.bOff, transB, edged, cs.cOff, m, k, n,
                            accumulate, act == null ? null : bias, 1, act, r[0], r[1], r[2], r[3], ws, true, true,
                            GemmBlocking.PARALLEL_NC);
                    String where = cs + " rows " + r[0] + ".." + r[1] + " columns " + r[2] + ".." + r[3]
                            + " accumulate=" + accumulate + " " + act;
                    assertArrayEquals(packed, direct, "direct A differs from packed A: " + where);
                    assertArrayEquals(direct, edged,
                            "computing the first columns in the edge block, with one-sliver panels, differs: " + where);
                }
            }
        }
        float[] ref = cs.freshC();
        GemmReference.matmul(cs.a, cs.aOff, transA, cs.b, cs.bOff, transB, ref, cs.cOff, m, k, n, false);
        float[] direct = cs.freshC();
        GemmBlocking.computeRegion(cs.a, cs.aOff, transA, cs.b, cs.bOff, transB, direct, cs.cOff, m, k, n, false,
                null, 0, null, 0, m, 0, n, ws, true, false, GemmBlocking.NC);
        assertClose(cs, ref, direct, false, "direct A");
    }

    @ParameterizedTest(name = "shared packing 401x401x419 transA={0} transB={1}")
    @MethodSource("layouts")
    void largeProductsSharePackedOperandsAcrossThreads(boolean transA, boolean transB) {
        assertTrue(GemmJob.sharesPacking(401, 401, 419, 3), "large enough for the shared-packing path on 3 threads");
        checkAllForms(new Case(401, 401, 419, transA, transB, 401 + (transA ? 1 : 0) + (transB ? 2 : 0)), !transA && transB);
    }

    /**
     * Shared packing where A ends in a 4-row sliver: 520 columns (two B panels) read a non-transposed A in place and
     * pack a transposed one; 500 columns (one panel) read A in place in both layouts.
     */
    @ParameterizedTest(name = "shared packing 1030x136x{2} transA={0} transB={1}")
    @MethodSource("sharedPackingShapes")
    void sharedPackingReadsAInPlaceInEveryLayout(boolean transA, boolean transB, int n) {
        assertTrue(GemmJob.sharesPacking(1030, 136, n, 3), "large enough for the shared-packing path on 3 threads");
        assertEquals(!transA || n <= GemmBlocking.NC, GemmBlocking.readsAInPlace(transA, n, GemmBlocking.NC));
        checkAllForms(new Case(1030, 136, n, transA, transB, 1030 + (transA ? 1 : 0) + (transB ? 2 : 0)), false);
    }

    static Stream<Arguments> sharedPackingShapes() {
        return Stream.of(LAYOUTS).flatMap(l -> Stream.of(Arguments.of(l[0], l[1], 520), Arguments.of(l[0], l[1], 500)));
    }

    static Stream<Arguments> layouts() {
        return Stream.of(LAYOUTS).map(l -> Arguments.of(l[0], l[1]));
    }

    @Test
    void parallelSplitPrefersRowsUnlessColumnsBalanceOrPackClearlyBetter() {
        // mnist dW (784x256, depth 64): rows 392/392, though columns are 0.8% smaller
        assertEquals(2L << 32 | 1, Gemm.chooseGrid(784, 256, 64, true, false, 2));
        // mnist forward (64x256, depth 784): rows split evenly 32/32, each reading B in place
        assertEquals(2L << 32 | 1, Gemm.chooseGrid(64, 256, 784, false, false, 2));
        // mnist dX (64x784 from a transposed B): by rows each thread would pack all of B
        assertEquals(1L << 32 | 2, Gemm.chooseGrid(64, 784, 256, false, true, 2));
        // 14 rows split 8/6 cost 8 rows of 512 columns; columns 2 x 256 of 14 rows are 9% smaller counted 5% larger
        assertEquals(1L << 32 | 2, Gemm.chooseGrid(14, 512, 64, false, false, 2));
        assertEquals(2L << 32 | 1, Gemm.chooseGrid(1024, 1024, 1024, false, false, 2));
        // wide forward and dX: by rows each thread packs all of B, by columns the rows share a line of C
        assertEquals(2L << 32 | 1, Gemm.chooseGrid(256, 1024, 1024, false, false, 2));
        assertEquals(2L << 32 | 1, Gemm.chooseGrid(256, 1024, 1024, false, true, 2));
        // wide dW (1024x256 by 256x1024, A transposed and packed)
        assertEquals(2L << 32 | 1, Gemm.chooseGrid(1024, 1024, 256, true, false, 2));
        assertEquals(1L << 32 | 1, Gemm.chooseGrid(1, 1, 64, false, false, 2));
    }

    @Test
    void closeGridsAreBothCandidatesForTimingAndClearWinnersStandAlone() {
        long rows = 2L << 32 | 1, cols = 1L << 32 | 2;
        // mnist forward: 32 rows by 256 columns against 64 rows by 128 (10% more for splitting columns)
        assertArrayEquals(new long[] {rows, cols}, Gemm.candidateGrids(64, 256, 784, false, false, 2));
        // wide dX: by rows each thread packs all of the transposed B, by columns half of it
        assertArrayEquals(new long[] {rows, cols}, Gemm.candidateGrids(256, 1024, 1024, false, true, 2));
        // one column sliver: the only other grid is a single thread, twice the cost
        assertArrayEquals(new long[] {rows}, Gemm.candidateGrids(1024, 64, 1024, false, false, 2));
        assertArrayEquals(new long[] {1L << 32 | 1}, Gemm.candidateGrids(1, 1, 64, false, false, 2));
        for (int[] sh : new int[][] {{64, 256, 784}, {256, 1024, 1024}, {14, 512, 64}, {401, 419, 401}}) {
            assertEquals(Gemm.chooseGrid(sh[0], sh[1], sh[2], false, true, 3),
                    Gemm.candidateGrids(sh[0], sh[1], sh[2], false, true, 3)[0], "the model's best comes first");
        }
    }

    @Test
    void tunerAlternatesCandidatesThenKeepsTheFasterUntilTheNextPeriod() {
        long rows = 2L << 32 | 1, cols = 1L << 32 | 2;
        GemmGridTuner.Entry e = new GemmGridTuner.Entry(64, 256, 784, false, false, 2, new long[] {rows, cols});
        for (int call = 0; call < GemmGridTuner.WINDOW; call++) {
            long grid = e.grid();
            assertEquals(call % 2 == 0 ? rows : cols, grid, "timed call " + call + " alternates");
            e.record(grid == cols ? 100 + call : 120 + call, true);
        }
        for (int call = GemmGridTuner.WINDOW; call < GemmGridTuner.PERIOD; call++) {
            assertEquals(cols, e.grid(), "columns were faster, call " + call);
            e.record(1_000_000, true);  // outside the window times are not kept
        }
        // Next period: timed again; now rows are faster, and a call that did not run as planned counts as slowest.
        for (int call = 0; call < GemmGridTuner.WINDOW; call++) {
            long grid = e.grid();
            e.record(grid == rows ? 90 : 100, call != 0);
        }
        assertEquals(rows, e.grid());
        assertEquals(0, e.winner());
    }

    @Test
    void tunerKeepsOneEntryPerShapeAndThread() {
        GemmGridTuner tuner = new GemmGridTuner();
        GemmGridTuner.Entry a = tuner.entry(64, 256, 784, false, false, 2);
        assertSame(a, tuner.entry(64, 256, 784, false, false, 2));
        assertNotSame(a, tuner.entry(64, 256, 784, false, true, 2));
        assertNotSame(a, tuner.entry(64, 256, 784, false, false, 3));
        for (int m = 1; m < 200; m++) {
            tuner.entry(m, 256, 784, false, false, 2);  // more shapes than slots: old ones are replaced
        }
        GemmGridTuner.Entry again = tuner.entry(64, 256, 784, false, false, 2);
        assertSame(again, tuner.entry(64, 256, 784, false, false, 2));
        assertArrayEquals(Gemm.candidateGrids(64, 256, 784, false, false, 2), again.grids);
    }

    /**
     * Column splits with more than one depth block compute each region's first columns apart (the edge block); 1x2,
     * 1x3 and 2x2 grids give the bits of one thread in every layout, with and without accumulation and epilogue.
     */
    @ParameterizedTest(name = "edge blocks transA={0} transB={1}")
    @MethodSource("layouts")
    void columnSplitsWithEdgeBlocksGiveTheBitsOfOneThread(boolean transA, boolean transB) {
        Case cs = new Case(45, 700, 330, transA, transB, 77);
        assertTrue(GemmBlocking.computesEdgeApart(2, 700) && !GemmBlocking.computesEdgeApart(1, 700)
                && !GemmBlocking.computesEdgeApart(2, 256));
        float[] bias = random(new SplittableRandom(3), cs.n + 2);
        for (boolean accumulate : new boolean[] {false, true}) {
            for (Epilogue act : accumulate ? new Epilogue[] {null} : new Epilogue[] {null, Epilogue.RELU}) {
                float[] bs = act == null ? null : bias;
                float[] one = gemm(cs, accumulate, bs, act, 1);
                for (int[] grid : new int[][] {{1, 2}, {1, 3}, {2, 2}}) {
                    float[] c = cs.freshC();
                    GemmWorkers.ensure(grid[0] * grid[1] - 1);
                    GemmJob job = GemmJob.current();
                    job.set(cs.a, cs.aOff, transA, cs.b, cs.bOff, transB, c, cs.cOff, cs.m, cs.k, cs.n, accumulate,
                            bs, 1, act, grid[0], grid[1]);
                    GemmWorkers.run(job, grid[0] * grid[1] - 1);
                    assertArrayEquals(one, c, "grid " + grid[0] + "x" + grid[1] + " " + cs + " accumulate="
                            + accumulate + " " + act);
                }
            }
        }
    }

    @Test
    void twoThreadsPackPerRegionAndThreeOrMoreShareLargeProducts() {
        assertFalse(GemmJob.sharesPacking(1024, 1024, 1024, 2));
        assertTrue(GemmJob.sharesPacking(1024, 1024, 1024, 3));
        assertTrue(GemmJob.sharesPacking(1024, 1024, 1024, 8));
        assertFalse(GemmJob.sharesPacking(256, 256, 256, 8), "under 2^26 multiply-adds every region packs its own");
    }

    @Test
    void bIsReadInPlaceOnlyUntransposedInWholeSliversForFewRows() {
        assertTrue(GemmBlocking.readsBInPlace(false, 32, 256));   // mnist forward split by rows
        assertFalse(GemmBlocking.readsBInPlace(true, 32, 256));   // a transposed B is always packed
        assertFalse(GemmBlocking.readsBInPlace(false, 128, 1024), "128 rows repay packing B");
        assertFalse(GemmBlocking.readsBInPlace(false, 32, 784), "784 columns end in a partial sliver");
    }

    @Test
    void aIsReadInPlaceUntransposedAndTransposedWhereOnePanelCoversTheRegion() {
        assertTrue(GemmBlocking.readsAInPlace(false, 1024, GemmBlocking.NC));   // six sequential row streams
        assertTrue(GemmBlocking.readsAInPlace(true, GemmBlocking.NC, GemmBlocking.NC));   // one pass over each block
        assertFalse(GemmBlocking.readsAInPlace(true, GemmBlocking.NC + 1, GemmBlocking.NC));   // packed for two panels
        assertFalse(GemmBlocking.readsAInPlace(true, 2 * GemmMicroKernel.NR, GemmMicroKernel.NR));
    }

    @Test
    void rowsOfWorkCountFourRowSliversAsFourAndOtherShortSliversAsSix() {
        assertEquals(32, GemmBlocking.costRows(32));   // 6 6 6 6 4 4
        assertEquals(8, GemmBlocking.costRows(8));     // 4 4
        assertEquals(22, GemmBlocking.costRows(22));   // 6 6 6 4
        assertEquals(6, GemmBlocking.costRows(2));     // one short sliver computed as 6 rows
        assertEquals(36, GemmBlocking.costRows(33));   // 6 x 5 and a 3-row sliver
        assertEquals(8, GemmBlocking.fourRowTail(392));
        assertEquals(0, GemmBlocking.fourRowTail(64));
    }

    @Test
    void zeroSizes() {
        float[] c = {1, 2, 3, 4, 5, 6};
        // k = 0 with accumulate=false zero-fills C; with accumulate=true leaves it.
        Gemm.matmul(new float[0], 0, false, new float[0], 0, false, c, 0, 2, 0, 3, true);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c);
        Gemm.matmul(new float[0], 0, false, new float[0], 0, false, c, 0, 2, 0, 3, false);
        assertArrayEquals(new float[6], c);
        float[] bias = {1, -2, 3};
        Gemm.matmul(new float[0], 0, false, new float[0], 0, false, c, 0, 2, 0, 3, false, bias, 0, Epilogue.RELU);
        assertArrayEquals(new float[] {1, 0, 3, 1, 0, 3}, c);
        // m = 0 or n = 0: nothing to write.
        Gemm.matmul(new float[0], 0, false, new float[12], 0, false, new float[0], 0, 0, 4, 3, false);
        Gemm.matmul(new float[8], 0, true, new float[0], 0, true, new float[0], 0, 2, 4, 0, false);
        Gemm.matmul(new float[0], 0, false, new float[0], 0, false, new float[0], 0, 0, 0, 0, false);
    }

    @Test
    void publicParallelismSettingDoesNotChangeResults() {
        Case cs = new Case(200, 300, 150, false, true, 99);
        int saved = Gemm.parallelism();
        try {
            float[][] results = new float[3][];
            for (int t = 1; t <= 3; t++) {
                Gemm.setParallelism(t);
                assertEquals(t, Gemm.parallelism());
                results[t - 1] = cs.freshC();
                Gemm.matmul(cs.a, cs.aOff, cs.transA, cs.b, cs.bOff, cs.transB, results[t - 1], cs.cOff,
                        cs.m, cs.k, cs.n, false);
            }
            assertArrayEquals(results[0], results[1]);
            assertArrayEquals(results[0], results[2]);
        } finally {
            Gemm.setParallelism(saved);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.setParallelism(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void concurrentCallersGetCorrectResults() throws Exception {
        Case big = new Case(192, 256, 320, false, false, 5);
        Case other = new Case(130, 200, 70, true, true, 6);
        float[] bigOne = gemm(big, false, null, null, 1);
        float[] otherOne = gemm(other, false, null, null, 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final Case cs = (t % 2 == 0) ? big : other;
                final float[] expected = (t % 2 == 0) ? bigOne : otherOne;
                futures.add(pool.submit(() -> {
                    for (int r = 0; r < 20; r++) {
                        assertArrayEquals(expected, gemm(cs, false, null, null, 2));
                        assertArrayEquals(expected, gemm(cs, false, null, null, 1));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Once compiled, a call allocates nothing on the calling thread (packing buffers are reused). */
    @Test
    void steadyStateCallsDoNotAllocate() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        int[][] shapes = {{64, 256, 784, 0, 1}, {37, 70, 129, 1, 0}, {16, 32, 64, 0, 0}, {401, 401, 419, 0, 1}};
        for (int[] sh : shapes) {
            Case cs = new Case(sh[0], sh[1], sh[2], sh[3] == 1, sh[4] == 1, 11);
            float[] c = cs.freshC();
            for (int threads : new int[] {1, 2}) {
                long best = Long.MAX_VALUE;
                long deadline = System.nanoTime() + 8_000_000_000L;
                while (best > 0 && System.nanoTime() < deadline) {
                    long before = bean.getCurrentThreadAllocatedBytes();
                    for (int r = 0; r < 20; r++) {
                        Gemm.run(cs.a, cs.aOff, cs.transA, cs.b, cs.bOff, cs.transB, c, cs.cOff, cs.m, cs.k, cs.n,
                                false, null, 0, null, threads, 0);
                    }
                    best = Math.min(best, bean.getCurrentThreadAllocatedBytes() - before);
                }
                assertEquals(0, best, "bytes allocated by 20 calls of " + cs + " on " + threads + " thread(s)");
            }
        }
    }

    /**
     * Bit-identical, tanh epilogue included: its rational form ({@code UnaryKernels.tanh}) rounds alike in the
     * interpreter, C1 and C2, so a call made before C2 compiled the epilogue and one made after it agree.
     */
    private static void assertSameBits(Epilogue act, float[] expected, float[] actual, String message) {
        assertArrayEquals(expected, actual, message + " (epilogue " + act + ")");
    }

    private static IllegalArgumentException bad(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run);
    }

    private static void assertMessage(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
        }
    }

    @Test
    void argumentValidation() {
        float[] a = new float[6], b = new float[12], c = new float[8];
        float[] sentinel = c.clone();
        java.util.Arrays.fill(c, 9f);
        java.util.Arrays.fill(sentinel, 9f);
        assertMessage(bad(() -> Gemm.matmul(a, 0, false, b, 0, false, c, 0, -1, 3, 4, false)), "m=-1");
        assertMessage(bad(() -> Gemm.matmul(a, 0, false, b, 0, false, c, 0, 2, -3, 4, false)), "k=-3");
        assertMessage(bad(() -> Gemm.matmul(a, 0, false, b, 0, false, c, 0, 2, 3, -4, false)), "n=-4");
        assertMessage(bad(() -> Gemm.matmul(a, 1, false, b, 0, false, c, 0, 2, 3, 4, false)),
                "aOff", "1 + 6 = 7", "a.length = 6");
        assertMessage(bad(() -> Gemm.matmul(a, 0, true, b, 2, true, c, 0, 2, 3, 4, false)),
                "B", "bOff", "3*4", "14", "b.length = 12");
        assertMessage(bad(() -> Gemm.matmul(a, 0, false, b, 0, false, new float[7], 0, 2, 3, 4, false)),
                "C", "2*4", "c.length = 7");
        assertMessage(bad(() -> Gemm.matmul(a, 0, false, b, 0, false, c, -1, 2, 3, 4, false)), "cOff=-1");
        assertMessage(bad(() -> Gemm.matmul(null, 0, false, b, 0, false, c, 0, 2, 3, 4, false)), "a");
        assertMessage(bad(() -> Gemm.matmul(a, 0, false, b, 0, false, c, 0, 2, 3, 4, true, null, 0, Epilogue.RELU)),
                "accumulate");
        assertMessage(bad(() -> Gemm.matmul(a, 0, false, b, 0, false, c, 0, 2, 3, 4, false, null, 0, null)),
                "act");
        assertMessage(bad(() -> Gemm.matmul(a, 0, false, b, 0, false, c, 0, 2, 3, 4, false,
                new float[4], 1, Epilogue.NONE)), "bias", "1 + 4 = 5", "bias.length = 4");
        // Overflowing products of sizes are caught, not wrapped.
        assertMessage(bad(() -> Gemm.matmul(a, 0, false, b, 0, false, c, 0, 1 << 16, 1 << 16, 4, false)),
                "65536*65536");
        // Nothing was written by any rejected call.
        assertArrayEquals(sentinel, c);
        // The reference validates the same way.
        assertMessage(bad(() -> GemmReference.matmul(a, 1, false, b, 0, false, c, 0, 2, 3, 4, false)), "aOff");
    }
}
