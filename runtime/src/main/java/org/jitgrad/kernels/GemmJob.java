package org.jitgrad.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One parallel matmul call split into a grid of {@code rowParts x colParts} regions of C. Each calling thread owns
 * one job object, reused call after call (no allocation per call). The caller and the workers it recruited take
 * region indices from {@link #nextPart} until none is left; the caller returns once every recruited worker has
 * checked out or been revoked before starting, so a job is never touched by a worker after its call returned.
 */
final class GemmJob {
    private static final ThreadLocal<GemmJob> PER_THREAD = ThreadLocal.withInitial(GemmJob::new);

    final Thread caller = Thread.currentThread();
    final AtomicInteger nextPart = new AtomicInteger();
    final AtomicInteger activeWorkers = new AtomicInteger();
    volatile Throwable failure;
    private GemmWorkers.Worker[] recruited = new GemmWorkers.Worker[0];
    private long[] recruitedStamps = new long[0];

    float[] a, b, c, bias;
    int aOff, bOff, cOff, biasOff, m, k, n;
    boolean transA, transB, accumulate;
    Epilogue act;
    int rowParts, colParts, rowSlivers, colSlivers;

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

    void set(float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
             float[] c, int cOff, int m, int k, int n, boolean accumulate,
             float[] bias, int biasOff, Epilogue act, int rowParts, int colParts) {
        this.a = a; this.aOff = aOff; this.transA = transA;
        this.b = b; this.bOff = bOff; this.transB = transB;
        this.c = c; this.cOff = cOff; this.m = m; this.k = k; this.n = n; this.accumulate = accumulate;
        this.bias = bias; this.biasOff = biasOff; this.act = act;
        this.rowParts = rowParts; this.colParts = colParts;
        this.rowSlivers = (m + GemmMicroKernel.MR - 1) / GemmMicroKernel.MR;
        this.colSlivers = (n + GemmMicroKernel.NR - 1) / GemmMicroKernel.NR;
        this.failure = null;
        this.nextPart.set(0);
    }

    /** Drops the array references so the job does not keep user data alive between calls. */
    void clear() {
        a = b = c = bias = null;
        act = null;
    }

    /** Runs regions until none is left. */
    void runParts(GemmWorkspace ws) {
        int parts = rowParts * colParts;
        for (int part; (part = nextPart.getAndIncrement()) < parts; ) {
            int rp = part / colParts;
            int cp = part % colParts;
            int i0 = Math.min(m, (int) ((long) rowSlivers * rp / rowParts) * GemmMicroKernel.MR);
            int i1 = Math.min(m, (int) ((long) rowSlivers * (rp + 1) / rowParts) * GemmMicroKernel.MR);
            int j0 = Math.min(n, (int) ((long) colSlivers * cp / colParts) * GemmMicroKernel.NR);
            int j1 = Math.min(n, (int) ((long) colSlivers * (cp + 1) / colParts) * GemmMicroKernel.NR);
            GemmBlocking.computeRegion(a, aOff, transA, b, bOff, transB, c, cOff, m, k, n, accumulate,
                    bias, biasOff, act, i0, i1, j0, j1, ws);
        }
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
