package org.jitgrad.kernels;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of daemon worker threads, grown (never shrunk) up to {@code parallelism - 1} workers.
 *
 * <p>A worker's state is a stamp: an assignment counter times 4 plus IDLE, ASSIGNED, RUNNING or REVOKED. A caller
 * recruits an idle worker by a compare-and-set from {@code g|IDLE} to {@code (g+1)|ASSIGNED}, hands it its
 * {@link GemmJob} and unparks it. A worker that wakes takes the assignment by ASSIGNED to RUNNING; when the caller
 * runs out of regions it revokes ({@code (g+1)|ASSIGNED} to {@code (g+1)|REVOKED}) every worker it recruited that
 * has not started yet, so a slow wake-up never delays the caller, and it waits only for the workers that are
 * RUNNING. The counter makes a revoke fail if the worker has meanwhile finished and been recruited by another
 * caller. A worker busy for another caller is simply
 * not recruited: the caller computes more regions itself. Nothing is allocated per call.
 */
final class GemmWorkers {
    private GemmWorkers() {}

    /** Idle workers spin this long for the next job before parking (keeps back-to-back calls cheap). */
    private static final long SPIN_NANOS = KernelProperties.longValue("jitgrad.gemm.spinNanos", 50_000, 0);

    static final int IDLE = 0;
    static final int ASSIGNED = 1;
    static final int RUNNING = 2;
    static final int REVOKED = 3;

    private static volatile Worker[] workers = new Worker[0];

    /** Ensures at least {@code count} workers exist. */
    static synchronized void ensure(int count) {
        Worker[] cur = workers;
        if (cur.length >= count) {
            return;
        }
        Worker[] next = java.util.Arrays.copyOf(cur, count);
        for (int i = cur.length; i < count; i++) {
            Worker w = new Worker(i);
            w.start();
            next[i] = w;
        }
        workers = next;
    }

    /**
     * Runs the job on the caller plus up to {@code maxHelpers} idle workers and returns when all regions are done.
     *
     * @return how many workers were recruited (fewer than {@code maxHelpers} when some were busy for other callers)
     */
    static int run(GemmJob job, int maxHelpers) {
        Worker[] ws = workers;
        Worker[] recruited = job.recruited(Math.min(maxHelpers, ws.length));
        long[] stamps = job.recruitedStamps();
        int count = 0;
        job.activeWorkers.set(0);
        for (int i = 0; i < ws.length && count < maxHelpers; i++) {
            Worker w = ws[i];
            long cur = w.state.get();
            if ((cur & 3) != IDLE) {
                continue;
            }
            long assigned = (cur & ~3L) + 4 + ASSIGNED;
            if (w.state.compareAndSet(cur, assigned)) {
                job.activeWorkers.incrementAndGet();
                w.job = job;
                recruited[count] = w;
                stamps[count] = assigned;
                count++;
                LockSupport.unpark(w);
            }
        }
        Throwable own = null;
        try {
            job.runParts(GemmWorkspace.current());
        } catch (Throwable t) {
            own = t;
            job.failure = t;                          // releases workers waiting for packed units
            job.nextPart.set(Integer.MAX_VALUE / 2); // stop the others from taking new regions
        }
        for (int i = 0; i < count; i++) {
            if (recruited[i].state.compareAndSet(stamps[i], stamps[i] - ASSIGNED + REVOKED)) {
                job.activeWorkers.decrementAndGet(); // it never started and will not touch the job
            }
            recruited[i] = null;
        }
        job.awaitWorkers();
        Throwable failure = own != null ? own : job.failure;
        job.clear();
        if (failure instanceof RuntimeException re) {
            throw re;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return count;
    }

    static final class Worker extends Thread {
        final AtomicLong state = new AtomicLong(IDLE);
        final GemmWorkspace workspace = new GemmWorkspace();
        volatile GemmJob job;

        Worker(int index) {
            super("jitgrad-gemm-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            long spinUntil = 0;
            while (true) {
                long s = state.get();
                if ((s & 3) != ASSIGNED && (s & 3) != REVOKED || job == null) {
                    if (spinUntil == 0) {
                        spinUntil = System.nanoTime() + SPIN_NANOS;
                    }
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                    continue;
                }
                GemmJob j = job;
                long base = s & ~3L;
                if (state.compareAndSet(base + ASSIGNED, base + RUNNING)) {
                    try {
                        j.runParts(workspace);
                    } catch (Throwable t) {
                        j.failure = t;
                        j.nextPart.set(Integer.MAX_VALUE / 2);
                    }
                    job = null;
                    state.set(base + IDLE);
                    j.workerDone();
                } else {
                    // Revoked before it started: the caller no longer waits for this worker.
                    job = null;
                    state.set(base + IDLE);
                }
                spinUntil = 0;
            }
        }
    }
}
