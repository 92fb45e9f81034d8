package org.jitgrad.kernels;

/**
 * Single-precision matrix multiply {@code C = op(A)·op(B)} on row-major dense arrays, written on the JDK Vector API.
 *
 * <p>Blocked like a BLAS: panels of A and B are packed into per-thread buffers that are reused across calls, and a
 * register-blocked micro-kernel (6 rows x 4 vectors of FMA accumulators) computes each tile. Large products are split
 * over rows and columns of C (never over k) across a fixed pool of daemon threads, so results are bit-identical
 * whatever the thread count. The split is the one a cost model ranks best or, when it ranks two close together, the
 * faster of the two as timed on the running machine ({@code GemmGridTuner}); either gives the same bits. Safe to
 * call concurrently from several threads.
 *
 * <p>The number of threads is {@link #parallelism()}: the system property {@code jitgrad.threads} if set, else
 * {@link Runtime#availableProcessors()}; change it with {@link #setParallelism(int)}.
 */
public final class Gemm {
    private Gemm() {}

    /**
     * Cost of packing one element in {@link #chooseGrid}, in multiply-adds: about one cycle, in which the micro-kernel
     * does 16. With it a row split of mnist's {@code dX} (64x256 by (784x256)ᵀ), where each thread would pack all of
     * the transposed B, loses to a column split: 205.3 against 165.3 us on 2 threads.
     */
    static final long PACK_COST = 16;

    /** Products with fewer multiply-adds ({@code m*n*k}) than this stay on the calling thread. */
    static final long PARALLEL_THRESHOLD = KernelProperties.longValue("jitgrad.gemm.parallelThreshold", 1L << 20, 0);

    private static volatile int parallelism = initialParallelism();

    static {
        GemmWarmup.start();
    }

    private static int initialParallelism() {
        int cpus = Math.max(1, Runtime.getRuntime().availableProcessors());
        return KernelProperties.intValue("jitgrad.threads", cpus, 1);
    }

    /**
     * The number of threads (the calling one included) a large product is split across.
     *
     * @return the current parallelism, at least 1
     */
    public static int parallelism() {
        return parallelism;
    }

    /**
     * The threads a product called from this thread may use: {@link #parallelism()}, or 1 inside a part of
     * {@link Parallel#run}, whose other parts already keep the other threads busy.
     */
    static int callerThreads() {
        return GemmWorkspace.current().insideParallelPart ? 1 : parallelism;
    }

    /**
     * Sets the number of threads (the calling one included) a large product is split across; 1 makes every call
     * single-threaded. Results do not depend on this setting.
     *
     * @param threads at least 1
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static void setParallelism(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, got " + threads);
        }
        parallelism = threads;
    }

    /**
     * {@code C[m×n] (=|+=) op(A)·op(B)}. Row-major, dense. If {@code !transA}, A is stored {@code [m,k]} at
     * {@code aOff}; if {@code transA}, A is stored {@code [k,m]} (its transpose is used). If {@code !transB}, B is
     * stored {@code [k,n]}; if {@code transB}, B is stored {@code [n,k]}. {@code accumulate=false} overwrites C,
     * {@code true} adds into C. Sizes of 0 are allowed (with {@code k=0} and {@code accumulate=false}, C is zeroed).
     *
     * @param a          A, stored {@code [m,k]} from {@code aOff}, or {@code [k,m]} if {@code transA}
     * @param aOff       offset of A in {@code a}
     * @param transA     whether A is stored transposed
     * @param b          B, stored {@code [k,n]} from {@code bOff}, or {@code [n,k]} if {@code transB}
     * @param bOff       offset of B in {@code b}
     * @param transB     whether B is stored transposed
     * @param c          C, stored {@code [m,n]} from {@code cOff}
     * @param cOff       offset of C in {@code c}
     * @param m          rows of op(A) and C
     * @param k          columns of op(A), rows of op(B)
     * @param n          columns of op(B) and C
     * @param accumulate false overwrites C, true adds the product into C
     * @throws IllegalArgumentException on negative sizes or offsets, null arrays, or arrays too short for the given
     *                                  offsets and sizes (checked before anything is written)
     */
    public static void matmul(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                              float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        GemmArguments.check(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n);
        run(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, accumulate, null, 0, null,
                callerThreads(), PARALLEL_THRESHOLD);
    }

    /**
     * Same as {@link #matmul(float[], int, boolean, float[], int, boolean, float[], int, int, int, int, boolean)}
     * with {@code accumulate=false}, then the fused epilogue on every element of C: {@code c = act(c + bias[col])}.
     *
     * @param a          A, stored {@code [m,k]} from {@code aOff}, or {@code [k,m]} if {@code transA}
     * @param aOff       offset of A in {@code a}
     * @param transA     whether A is stored transposed
     * @param b          B, stored {@code [k,n]} from {@code bOff}, or {@code [n,k]} if {@code transB}
     * @param bOff       offset of B in {@code b}
     * @param transB     whether B is stored transposed
     * @param c          C, stored {@code [m,n]} from {@code cOff}
     * @param cOff       offset of C in {@code c}
     * @param m          rows of op(A) and C
     * @param k          columns of op(A), rows of op(B)
     * @param n          columns of op(B) and C
     * @param accumulate must be false (the epilogue is only defined on a fresh product)
     * @param bias       per-column bias, at least {@code biasOff + n} long, or null for no bias
     * @param biasOff    offset of the bias in {@code bias}
     * @param act        the activation applied after the bias, not null ({@link Epilogue#NONE} for none)
     * @throws IllegalArgumentException as the plain form, and if {@code accumulate} is true, {@code act} is null or
     *                                  the bias is too short
     */
    public static void matmul(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                              float[] c, int cOff, int m, int k, int n, boolean accumulate,
                              float[] bias, int biasOff, Epilogue act) {
        GemmArguments.check(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n);
        GemmArguments.checkEpilogue(accumulate, bias, biasOff, n, act);
        run(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, false, bias, biasOff, act,
                callerThreads(), PARALLEL_THRESHOLD);
    }

    /**
     * A batch of products {@code C_i = op(A_i)·op(B_i)} over a batch index {@code i = (i0, i1)},
     * {@code i0 < batch0}, {@code i1 < batch1}: {@code A_i} is stored (as in {@link #matmul}) from
     * {@code aOff + i0*aStride0 + i1*aStride1}, {@code B_i} from {@code bOff + i0*bStride0 + i1*bStride1}, and
     * {@code C_i} ({@code [m,n]}, overwritten) from {@code cOff + (i0*batch1 + i1)*m*n}. A stride of 0 reuses one
     * operand for the whole batch dimension (a broadcast).
     *
     * <p>When the single products are too small to be split across threads but the batch is large, whole products are
     * handed to the worker threads instead. Every product is computed by one thread with the same code either way, so
     * results do not depend on the thread count.
     *
     * @throws IllegalArgumentException on negative sizes, offsets or strides, null arrays, or arrays too short for
     *                                  the last product of the batch (checked before anything is written)
     */
    public static void matmulBatched(float[] a, int aOff, int aStride0, int aStride1, boolean transA,
                                     float[] b, int bOff, int bStride0, int bStride1, boolean transB,
                                     float[] c, int cOff, int batch0, int batch1, int m, int k, int n) {
        if (batch0 < 0 || batch1 < 0 || aStride0 < 0 || aStride1 < 0 || bStride0 < 0 || bStride1 < 0) {
            throw new IllegalArgumentException("matmulBatched: batch sizes and strides must be >= 0, got batch "
                    + batch0 + "x" + batch1 + ", A strides " + aStride0 + "," + aStride1 + ", B strides "
                    + bStride0 + "," + bStride1);
        }
        if (batch0 == 0 || batch1 == 0) {
            if (a == null || b == null || c == null) {
                throw new IllegalArgumentException("matmulBatched: arrays must not be null");
            }
            return;
        }
        GemmArguments.check(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n);
        long last0 = batch0 - 1, last1 = batch1 - 1;
        long aLast = aOff + last0 * aStride0 + last1 * aStride1, bLast = bOff + last0 * bStride0 + last1 * bStride1;
        long cLast = cOff + ((long) batch0 * batch1 - 1) * m * n;
        if (aLast > Integer.MAX_VALUE || bLast > Integer.MAX_VALUE || cLast > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matmulBatched: the last product of the batch lies beyond 2^31-1"
                    + " elements (A at " + aLast + ", B at " + bLast + ", C at " + cLast + ")");
        }
        GemmArguments.check(a, (int) aLast, transA, b, (int) bLast, transB, c, (int) cLast, m, k, n);
        runBatched(a, aOff, aStride0, aStride1, transA, b, bOff, bStride0, bStride1, transB, c, cOff,
                batch0, batch1, m, k, n, callerThreads(), PARALLEL_THRESHOLD);
    }

    /**
     * Whether {@link #matmulStrided} multiplies views of an {@code m x k} by {@code k x n} product where they lie
     * (small products); larger ones it copies into contiguous scratch first.
     */
    public static boolean multipliesViewsInPlace(int m, int k, int n) {
        return GemmSmall.accepts(m, k, n);
    }

    /**
     * A batch of products of strided views, {@code C_i = op(A_i)·op(B_i)} over {@code i = (i0, i1)},
     * {@code i0 < batch0}, {@code i1 < batch1}, where each matrix lies inside a larger array: {@code A_i} is stored (as
     * {@code [m,k]}, or {@code [k,m]} if {@code transA}) from {@code aOff + i0*aStride0 + i1*aStride1} with its rows
     * {@code lda} floats apart and the elements of a row adjacent; likewise B with {@code ldb}, and {@code C_i}
     * ({@code [m,n]}, overwritten) from {@code cOff + i0*cStride0 + i1*cStride1} with rows {@code ldc} apart. It
     * multiplies, say, the heads of an attention projection where they lie, with the same results as on contiguous
     * copies. Each product runs on one thread (a batch is dealt out to the workers whole), so it is meant for batches
     * of small products; {@link #matmulBatched} also splits a large product across threads. The C views of the batch must not
     * overlap one another or A and B (the results are then unspecified; nothing outside the C views is written).
     * {@code structure} (square products only) lets the product skip terms known to be zero, or columns not needed
     * (see {@link Triangular}); {@link Triangular#NONE} computes every term.
     *
     * @throws IllegalArgumentException on negative sizes, offsets or strides, null arrays, rows stored closer than
     *                                  their length, or a view that reaches past its array (checked before anything
     *                                  is written)
     */
    public static void matmulStrided(float[] a, int aOff, int aStride0, int aStride1, int lda, boolean transA,
                                     float[] b, int bOff, int bStride0, int bStride1, int ldb, boolean transB,
                                     float[] c, int cOff, int cStride0, int cStride1, int ldc,
                                     int batch0, int batch1, int m, int k, int n, Triangular structure) {
        if (batch0 < 0 || batch1 < 0 || m < 0 || k < 0 || n < 0) {
            throw new IllegalArgumentException("matmulStrided: sizes must be >= 0, got batch " + batch0 + "x" + batch1
                    + ", m=" + m + ", k=" + k + ", n=" + n);
        }
        if ((long) batch0 * batch1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matmulStrided: a batch of " + batch0 + "x" + batch1
                    + " products is more than 2^31-1");
        }
        if (structure == null) throw new IllegalArgumentException("matmulStrided: structure must not be null");
        if (structure == Triangular.LOWER_RESULT ? m != n : structure != Triangular.NONE && m != k) {
            throw new IllegalArgumentException("matmulStrided: " + structure + " needs a square "
                    + (structure == Triangular.LOWER_RESULT ? "result, got m=" + m + ", n=" + n
                    : "op(A), got m=" + m + ", k=" + k));
        }
        GemmStrided.checkView("A", a, aOff, aStride0, aStride1, lda, transA ? k : m, transA ? m : k, batch0, batch1);
        GemmStrided.checkView("B", b, bOff, bStride0, bStride1, ldb, transB ? n : k, transB ? k : n, batch0, batch1);
        GemmStrided.checkView("C", c, cOff, cStride0, cStride1, ldc, m, n, batch0, batch1);
        GemmStrided.run(a, aOff, aStride0, aStride1, lda, transA, b, bOff, bStride0, bStride1, ldb, transB,
                c, cOff, cStride0, cStride1, ldc, batch0, batch1, m, k, n, structure, callerThreads(),
                PARALLEL_THRESHOLD);
    }

    /**
     * Validated batched entry with an explicit thread count and threshold. Products of at least {@code threshold}
     * multiply-adds are each split across threads by {@link #run}; smaller ones, when the whole batch reaches the
     * threshold, are dealt out whole to the caller and the workers.
     */
    static void runBatched(float[] a, int aOff, int aStride0, int aStride1, boolean transA,
                           float[] b, int bOff, int bStride0, int bStride1, boolean transB,
                           float[] c, int cOff, int batch0, int batch1, int m, int k, int n,
                           int threads, long threshold) {
        if ((long) m * n * k < threshold) {
            // too small to split: whole products, as strided views with the contiguous strides
            GemmStrided.run(a, aOff, aStride0, aStride1, transA ? m : k, transA, b, bOff, bStride0, bStride1,
                    transB ? k : n, transB, c, cOff, batch1 * m * n, m * n, n, batch0, batch1, m, k, n, Triangular.NONE,
                    threads, threshold);
            return;
        }
        for (int i0 = 0, ci = cOff; i0 < batch0; i0++) {
            for (int i1 = 0; i1 < batch1; i1++, ci += m * n) {
                run(a, aOff + i0 * aStride0 + i1 * aStride1, transA, b, bOff + i0 * bStride0 + i1 * bStride1, transB,
                        c, ci, m, k, n, false, null, 0, null, threads, threshold);
            }
        }
    }

    /** Validated entry with an explicit thread count and threshold (tests use it to force the parallel path). */
    static void run(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                    float[] c, int cOff, int m, int k, int n, boolean accumulate,
                    float[] bias, int biasOff, Epilogue act, int threads, long threshold) {
        if (m == 0 || n == 0) {
            return;
        }
        if (act == Epilogue.NONE && bias == null) {
            act = null;
        }
        // A vector's two layouts are the same memory: [k,1] and [1,k] for B, [1,k] and [k,1] for A.
        if (m == 1 || k == 1) {
            transA = false;
        }
        if (n == 1 || k == 1) {
            transB = false;
        }
        if (GemmVector.accepts(m, n)) {
            GemmVector.run(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, accumulate, bias, biasOff, act);
            return;
        }
        if (GemmSmall.accepts(m, k, n)) {
            GemmSmall.run(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, accumulate, bias, biasOff, act);
            return;
        }
        long work = (long) m * n * k;
        GemmGridTuner.Entry tuning = null;
        long grid = 1L << 32 | 1;
        if (threads > 1 && work >= threshold) {
            tuning = GemmGridTuner.ENABLED ? GemmGridTuner.current().entry(m, n, k, transA, transB, threads) : null;
            grid = tuning != null ? tuning.grid() : chooseGrid(m, n, k, transA, transB, threads);
        }
        int rowParts = (int) (grid >>> 32);
        int colParts = (int) grid;
        int parts = rowParts * colParts;
        long start = tuning != null ? System.nanoTime() : 0;
        boolean asPlanned = true;
        if (parts > 1) {
            GemmWorkers.ensure(threads - 1);
            GemmJob job = GemmJob.current();
            job.set(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, accumulate, bias, biasOff, act,
                    rowParts, colParts);
            asPlanned = GemmWorkers.run(job, parts - 1) == parts - 1;
        } else {
            GemmBlocking.computeRegion(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, accumulate,
                    bias, biasOff, act, 0, m, 0, n, GemmWorkspace.current());
        }
        if (tuning != null) {
            tuning.record(System.nanoTime() - start, asPlanned);
        }
    }

    /**
     * Picks {@code rowParts x colParts <= threads} minimizing {@link #gridCost}, preferring more parts. Returned packed
     * as {@code rowParts << 32 | colParts}.
     */
    static long chooseGrid(int m, int n, int k, boolean transA, boolean transB, int threads) {
        return rankedGrid(m, n, k, transA, transB, threads, false);
    }

    /**
     * The grids {@link GemmGridTuner} tries: the one of least {@link #gridCost} (preferring more parts on a tie), then
     * the runner-up if its cost is within {@link GemmGridTuner#MARGIN} of the best's. Each packed as
     * {@code rowParts << 32 | colParts}.
     */
    static long[] candidateGrids(int m, int n, int k, boolean transA, boolean transB, int threads) {
        long best = rankedGrid(m, n, k, transA, transB, threads, false);
        long second = rankedGrid(m, n, k, transA, transB, threads, true);
        if (second >= 0 && cost(m, n, k, transA, transB, second)
                <= cost(m, n, k, transA, transB, best) * (1 + GemmGridTuner.MARGIN)) {
            return new long[] {best, second};
        }
        return new long[] {best};
    }

    /**
     * The grid of least {@link #gridCost} over every {@code rowParts x colParts <= threads} (more parts first, so they
     * win ties), or with {@code runnerUp} the next one (-1 if there is none). Allocates nothing: the calling thread
     * ranks grids on every parallel call when tuning is off.
     */
    private static long rankedGrid(int m, int n, int k, boolean transA, boolean transB, int threads,
                                   boolean runnerUp) {
        int rowSlivers = (m + GemmMicroKernel.MR - 1) / GemmMicroKernel.MR;
        int colSlivers = (n + GemmMicroKernel.NR - 1) / GemmMicroKernel.NR;
        long best = 1L << 32 | 1, second = -1;
        long bestCost = Long.MAX_VALUE, secondCost = Long.MAX_VALUE;
        for (int t = threads; t >= 1; t--) {
            for (int rp = 1; rp <= t; rp++) {
                if (t % rp != 0) {
                    continue;
                }
                int cp = t / rp;
                if (rp > rowSlivers || cp > colSlivers) {
                    continue;
                }
                long cost = gridCost(m, n, k, transA, transB, rp, cp);
                long grid = (long) rp << 32 | cp;
                if (cost < bestCost) {
                    second = best;
                    secondCost = bestCost;
                    best = grid;
                    bestCost = cost;
                } else if (cost < secondCost) {
                    second = grid;
                    secondCost = cost;
                }
            }
        }
        return runnerUp ? (secondCost == Long.MAX_VALUE ? -1 : second) : best;
    }

    private static long cost(int m, int n, int k, boolean transA, boolean transB, long grid) {
        return gridCost(m, n, k, transA, transB, (int) (grid >>> 32), (int) grid);
    }

    /**
     * Modelled cost of the largest region of a {@code rp x cp} grid: per unit of depth, the region's rows of work
     * ({@link GemmBlocking#costRows}) times its padded columns, 10% more for column splits, plus {@link #PACK_COST}
     * for every row of A and column of B the region packs itself (products that share one packing pack nothing per
     * region; A read where it is stored is not packed, see {@link GemmBlocking#readsAInPlace}; regions that read B in
     * place pack no B).
     */
    static long gridCost(int m, int n, int k, boolean transA, boolean transB, int rp, int cp) {
        int colSlivers = (n + GemmMicroKernel.NR - 1) / GemmMicroKernel.NR;
        int t = rp * cp;
        boolean shared = GemmJob.sharesPacking(m, k, n, t);
        long rows = 0;
        for (int part = 0; part < rp; part++) {
            int r = GemmJob.rowStart(m, part + 1, rp, shared) - GemmJob.rowStart(m, part, rp, shared);
            rows = Math.max(rows, GemmBlocking.costRows(r));
        }
        long cols = ((long) colSlivers + cp - 1) / cp * GemmMicroKernel.NR;
        long cost = rows * cols;
        if (!shared) {
            int regionRows = GemmJob.rowStart(m, 1, rp, false);
            int regionCols = (int) Math.min(n, (long) colSlivers / cp * GemmMicroKernel.NR);
            boolean directA = GemmBlocking.readsAInPlace(transA, regionCols, GemmBlocking.panelCols(cp));
            boolean directB = GemmBlocking.readsBInPlace(transB, regionRows, regionCols);
            cost += PACK_COST * ((directA ? 0 : rows) + (directB ? 0 : cols));
        }
        if (cp > 1) {
            // Threads splitting C by columns write into shared cache lines of C (see
            // GemmBlocking.computesEdgeApart). mnist's dW (784x64 by 64x256) ran at 1.31x on 2 threads split by
            // columns, whose regions were 0.8% smaller, and 1.95x split by rows. How much a line costs depends on
            // where the host puts the two vCPUs: close products near a tie are settled by GemmGridTuner.
            cost += cost / 10;
        }
        return cost;
    }
}
