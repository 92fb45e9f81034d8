package org.jitgrad.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One parallel matmul call split into a grid of {@code rowParts x colParts} regions of C. Each calling thread owns
 * one job object, reused call after call (no allocation per call once its buffers have grown).
 *
 * <p>When C is split by columns and its width is not a whole number of slivers, the last, partial sliver belongs to
 * no column part: each region also computes its share of the tail's rows. That sliver runs on the narrow kernels at
 * about a third of the speed of the others (mnist's {@code dX}, 64x256 by (784x256)ᵀ: its 16 columns took 8.7 us, a
 * 64-column sliver 21.9), so in the column part it was added to it made that part the slowest: 139.6 against 131.4
 * us on one thread for the two halves.
 *
 * <p>On two threads every region packs what it reads itself. From three parts on, and for products of at least
 * {@link #MIN_SHARED_WORK} multiply-adds, the caller and the workers it recruited first pack A and B whole into the
 * job's shared buffers (A's whole slivers are read where A is stored when {@link GemmBlocking#readsAInPlace} says so,
 * and only its last, shorter sliver is packed), taking packing units (a depth block of a group of A slivers or of B
 * slivers) from {@link #nextPack}, and wait until every unit is packed; then they take region indices from
 * {@link #nextPart} until none is left. Only threads that took a unit are waited for, so a recruited worker that
 * never starts cannot hold anyone up. The caller returns once every recruited worker has checked out or been revoked
 * before starting, so a job is never touched by a worker after its call returned.
 *
 * <p>A job can instead hold a batch of whole products ({@link #setBatched}), each too small to split: then a part is
 * one product of the batch, computed by the thread that takes it.
 *
 * <p>Why not on two threads: whatever one thread packs, the other reads from the first core's cache, and the next
 * call's packing takes those lines back. How much that costs depends on where the host puts the two vCPUs, which
 * changes while a process runs (a cache-line round trip between the two threads measured 28, 67, 110 and 330 ns at
 * different times). Measured in pairs within the same second (wide forward, 256x1024 by 1024x1024), packing per
 * region split by rows beat shared packing in 48 of 57 pairs: medians 2,800 against 2,928 us when the round trip
 * was under 150 ns, and 2,865 against 3,735 us when it was 150-800 ns (mostly 350-400). Packing per region costs
 * each thread a copy of the operand the other needs too (all of B in a row split), which grows with the number of
 * parts; sharing it is kept for three or more.
 */
final class GemmJob {
    private static final ThreadLocal<GemmJob> PER_THREAD = ThreadLocal.withInitial(GemmJob::new);
    /** A second job per thread for {@link Parallel}: its parts call {@link Gemm}, which uses {@link #current()}. */
    private static final ThreadLocal<GemmJob> PER_THREAD_TASKS = ThreadLocal.withInitial(GemmJob::new);

    final Thread caller = Thread.currentThread();
    final AtomicInteger nextPart = new AtomicInteger();
    final AtomicInteger nextPack = new AtomicInteger();
    final AtomicInteger packedUnits = new AtomicInteger();
    final AtomicInteger activeWorkers = new AtomicInteger();
    volatile Throwable failure;
    private GemmWorkers.Worker[] recruited = new GemmWorkers.Worker[0];
    private long[] recruitedStamps = new long[0];

    float[] a, b, c, bias;
    int aOff, bOff, cOff, biasOff, m, k, n;
    boolean transA, transB, accumulate;
    Epilogue act;
    int rowParts, colParts, rowSlivers, colSlivers;
    /** A batch of whole products ({@link #setBatched}) when {@code batch0 > 0}: its sizes and operand strides. */
    int batch0, batch1, aStride0, aStride1, bStride0, bStride1, cStride0, cStride1, lda, ldb, ldc;
    Triangular structure = Triangular.NONE;
    Parallel.Part task;
    int taskParts;

    /** Slivers of A (of B) per packing unit. */
    private static final int A_GROUP = 8, B_GROUP = 2;
    /** Fewer regions than this pack per region (see the class comment for why two do). */
    private static final int MIN_SHARED_PARTS = 3;
    /** Shared packed operands up to this many floats (A and B together); larger products pack per region. */
    private static final long MAX_SHARED = 1L << 24;
    /**
     * Products with fewer multiply-adds pack per region: below about 2^26 multiply-adds the traffic between the cores
     * cost more than packing twice (256^3 on 2 threads: 190 us packing per region, 300 us shared).
     */
    private static final long MIN_SHARED_WORK = KernelProperties.longValue("jitgrad.gemm.sharedPackMin", 1L << 26, 0);
    private float[] sharedA = new float[0], sharedB = new float[0];
    private boolean prepacked;
    private int mPad, nPad, kcMax, aGroups, bGroups, aUnits, totalUnits;
    /** Rows of A read where it is stored (whole slivers, see {@link GemmBlocking#readsAInPlace}); the rest are packed. */
    private int directRows;

    /** Scratch list of the workers recruited for the current call, grown once. */
    GemmWorkers.Worker[] recruited(int size) {
        if (recruited.length < size) {
            recruited = new GemmWorkers.Worker[size];
            recruitedStamps = new long[size];
        }
        return recruited;
    }

    /** The state stamps the recruited workers were assigned with (same length as {@link #recruited(int)}). */
    long[] recruitedStamps() {
        return recruitedStamps;
    }

    static GemmJob current() {
        return PER_THREAD.get();
    }

    /** This thread's job for {@link Parallel} tasks. */
    static GemmJob forTasks() {
        return PER_THREAD_TASKS.get();
    }

    /** Makes this job run {@code task}'s parts {@code 0..parts-1} instead of a product. */
    void setTask(Parallel.Part task, int parts) {
        this.task = task;
        this.taskParts = parts;
        this.batch0 = 0;
        this.failure = null;
        this.nextPart.set(0);
    }

    /**
     * Sets a batch of whole products ({@link Gemm#matmulBatched}, {@link Gemm#matmulStrided}): each part is one product
     * of the batch, computed on the thread that takes it ({@link GemmStrided#product}).
     */
    void setBatched(float[] a, int aOff, int aStride0, int aStride1, int lda, boolean transA,
                    float[] b, int bOff, int bStride0, int bStride1, int ldb, boolean transB,
                    float[] c, int cOff, int cStride0, int cStride1, int ldc, int batch0, int batch1, int m, int k,
                    int n, Triangular structure) {
        this.a = a; this.aOff = aOff; this.transA = transA;
        this.b = b; this.bOff = bOff; this.transB = transB;
        this.c = c; this.cOff = cOff; this.m = m; this.k = k; this.n = n; this.accumulate = false;
        this.bias = null; this.act = null;
        this.aStride0 = aStride0; this.aStride1 = aStride1; this.bStride0 = bStride0; this.bStride1 = bStride1;
        this.cStride0 = cStride0; this.cStride1 = cStride1; this.lda = lda; this.ldb = ldb; this.ldc = ldc;
        this.structure = structure;
        this.batch0 = batch0; this.batch1 = batch1;
        this.prepacked = false;
        this.failure = null;
        this.nextPart.set(0);
    }

    void set(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
             float[] c, int cOff, int m, int k, int n, boolean accumulate,
             float[] bias, int biasOff, Epilogue act, int rowParts, int colParts) {
        this.a = a; this.aOff = aOff; this.transA = transA;
        this.b = b; this.bOff = bOff; this.transB = transB;
        this.c = c; this.cOff = cOff; this.m = m; this.k = k; this.n = n; this.accumulate = accumulate;
        this.bias = bias; this.biasOff = biasOff; this.act = act;
        this.rowParts = rowParts; this.colParts = colParts;
        this.batch0 = 0;
        this.rowSlivers = (m + GemmMicroKernel.MR - 1) / GemmMicroKernel.MR;
        this.colSlivers = (n + GemmMicroKernel.NR - 1) / GemmMicroKernel.NR;
        this.failure = null;
        this.nextPart.set(0);
        this.mPad = rowSlivers * GemmMicroKernel.MR;
        this.nPad = colSlivers * GemmMicroKernel.NR;
        this.prepacked = sharesPacking(m, k, n, rowParts * colParts);
        if (prepacked) {
            if (sharedA.length < mPad * k) sharedA = new float[mPad * k];
            if (sharedB.length < nPad * k) sharedB = new float[nPad * k];
            this.kcMax = GemmBlocking.depthBlock(k);
            int kBlocks = (k + kcMax - 1) / kcMax;
            this.directRows = GemmBlocking.readsAInPlace(transA, n, GemmBlocking.NC)
                    ? m / GemmMicroKernel.MR * GemmMicroKernel.MR : 0;
            this.aGroups = (rowSlivers - directRows / GemmMicroKernel.MR + A_GROUP - 1) / A_GROUP;
            this.bGroups = (colSlivers + B_GROUP - 1) / B_GROUP;
            this.aUnits = kBlocks * aGroups;
            this.totalUnits = aUnits + kBlocks * bGroups;
            this.nextPack.set(0);
            this.packedUnits.set(0);
        }
    }

    /**
     * Whether a product of these sizes split into {@code parts} regions packs A and B once for all threads (else each
     * region packs its own).
     */
    static boolean sharesPacking(int m, int k, int n, int parts) {
        if (parts < MIN_SHARED_PARTS) {
            return false;
        }
        long padded = (long) GemmBlocking.roundUp(m, GemmMicroKernel.MR) + GemmBlocking.roundUp(n, GemmMicroKernel.NR);
        return k > 0 && padded * k <= MAX_SHARED && (long) m * n * k >= MIN_SHARED_WORK;
    }

    /**
     * First row of row part {@code part} of {@code parts}. Regions that pack their own A split the rows evenly, at an
     * even row (a block that is 2 more than a multiple of 6 ends in two 4-row slivers, see
     * {@link GemmBlocking#fourRowTail}); with A packed once for all, regions start at a sliver of the shared packing.
     */
    static int rowStart(int m, int part, int parts, boolean shared) {
        if (shared) {
            int slivers = (m + GemmMicroKernel.MR - 1) / GemmMicroKernel.MR;
            return Math.min(m, (int) ((long) slivers * part / parts) * GemmMicroKernel.MR);
        }
        return part == parts ? m : (int) ((long) m * part / parts + 1) & ~1;
    }

    /** Drops the array references so the job does not keep user data alive between calls. */
    void clear() {
        task = null;
        batch0 = 0;
        a = b = c = bias = null;
        act = null;
    }

    /** Packs units until none is left, waits for the others' units, then runs regions until none is left. */
    void runParts(GemmWorkspace ws) {
        if (task != null) {
            GemmWorkspace own = GemmWorkspace.current();
            boolean outer = own.insideParallelPart;
            own.insideParallelPart = true;
            try {
                for (int part; (part = nextPart.getAndIncrement()) < taskParts; ) {
                    task.run(part);
                }
            } finally {
                own.insideParallelPart = outer;
            }
            return;
        }
        if (batch0 > 0) {
            runProducts();
            return;
        }
        if (prepacked) {
            for (int u; (u = nextPack.getAndIncrement()) < totalUnits; ) {
                packUnit(u);
                packedUnits.incrementAndGet();
            }
            if (!awaitPacked()) {
                return;  // another thread failed; its failure is reported
            }
        }
        int parts = rowParts * colParts;
        boolean ownEdge = GemmBlocking.computesEdgeApart(colParts, k);
        // Split by columns, the last, partial sliver of columns goes to no column part: each region takes its share of
        // the tail's rows instead (see the class comment).
        int tailCols = colParts > 1 ? n % GemmMicroKernel.NR : 0;
        int fullSlivers = n / GemmMicroKernel.NR;
        int slivers = tailCols > 0 ? fullSlivers : colSlivers;
        for (int part; (part = nextPart.getAndIncrement()) < parts; ) {
            int rp = part / colParts;
            int cp = part % colParts;
            int i0 = rowStart(m, rp, rowParts, prepacked);
            int i1 = rowStart(m, rp + 1, rowParts, prepacked);
            int j0 = Math.min(n, (int) ((long) slivers * cp / colParts) * GemmMicroKernel.NR);
            int j1 = Math.min(n, (int) ((long) slivers * (cp + 1) / colParts) * GemmMicroKernel.NR);
            region(i0, i1, j0, j1, ownEdge, ws);
            if (tailCols > 0) {
                int t0 = i0 + rowStart(i1 - i0, cp, colParts, prepacked);
                int t1 = i0 + rowStart(i1 - i0, cp + 1, colParts, prepacked);
                region(t0, t1, n - tailCols, n, ownEdge, ws);
            }
        }
    }

    /** Takes whole products of the batch until none is left, each computed on this thread alone. */
    private void runProducts() {
        int batches = batch0 * batch1;
        for (int i; (i = nextPart.getAndIncrement()) < batches; ) {
            int i0 = i / batch1, i1 = i % batch1;
            GemmStrided.product(a, aOff + i0 * aStride0 + i1 * aStride1, lda, transA,
                    b, bOff + i0 * bStride0 + i1 * bStride1, ldb, transB,
                    c, cOff + i0 * cStride0 + i1 * cStride1, ldc, m, k, n, structure);
        }
    }

    private void region(int i0, int i1, int j0, int j1, boolean ownEdge, GemmWorkspace ws) {
        if (prepacked) {
            GemmBlocking.computeRegionPrepacked(sharedA, mPad, sharedB, nPad, a, aOff, transA, directRows, c, cOff,
                    m, k, n, accumulate, bias, biasOff, act, i0, i1, j0, j1, ws, ownEdge);
        } else {
            GemmBlocking.computeRegion(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, accumulate,
                    bias, biasOff, act, i0, i1, j0, j1, ws,
                    GemmBlocking.readsAInPlace(transA, j1 - j0, GemmBlocking.panelCols(colParts)), ownEdge,
                    GemmBlocking.panelCols(colParts));
        }
    }

    /** Unit {@code u}: a depth block of {@code A_GROUP} A slivers, or (after the A units) of {@code B_GROUP} B slivers. */
    private void packUnit(int u) {
        boolean isA = u < aUnits;
        int v = isA ? u : u - aUnits;
        int groups = isA ? aGroups : bGroups;
        int pc = v / groups * kcMax;
        int kc = Math.min(kcMax, k - pc);
        int g = v % groups;
        if (isA) {
            int i0 = directRows + g * A_GROUP * GemmMicroKernel.MR;
            int i1 = Math.min(m, i0 + A_GROUP * GemmMicroKernel.MR);
            GemmPacking.packA(a, aOff, transA, m, k, i0, i1, pc, kc, sharedA, pc * mPad + i0 * kc);
        } else {
            int j0 = g * B_GROUP * GemmMicroKernel.NR;
            int nc = Math.min(n - j0, B_GROUP * GemmMicroKernel.NR);
            GemmPacking.packB(b, bOff, transB, k, n, pc, kc, j0, nc, sharedB, pc * nPad + j0 * kc);
        }
    }

    /**
     * Waits until every packing unit is done (each was taken by a running thread, so each will be done or that thread
     * fails). Spins, yielding the core after a while in case the packer was descheduled.
     *
     * @return false if some thread failed meanwhile
     */
    private boolean awaitPacked() {
        long spinUntil = 0;
        while (packedUnits.get() < totalUnits) {
            if (failure != null) {
                return false;
            }
            if (spinUntil == 0) {
                spinUntil = System.nanoTime() + 20_000;
            }
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        return true;
    }

    /** Called by a worker when it has no region left: the last one out wakes the caller. */
    void workerDone() {
        if (activeWorkers.decrementAndGet() == 0) {
            LockSupport.unpark(caller);
        }
    }

    /** Caller side: waits (briefly spinning, then parking) until every recruited worker has checked out. */
    void awaitWorkers() {
        long spinUntil = 0;
        while (activeWorkers.get() != 0) {
            if (spinUntil == 0) {
                spinUntil = System.nanoTime() + 50_000;
            }
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }
}
