package org.jitgrad.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of daemon worker threads, grown (never shrunk) up to {@code parallelism - 1} workers. A caller
 * recruits idle workers by a compare-and-set on their {@code idle} flag, hands them its {@link GemmJob} and unparks
 * them; a worker that is busy for another caller is simply not recruited, and the caller computes more regions itself.
 * Nothing is allocated per call.
 */
final class GemmWorkers {
    private GemmWorkers() {}

    /** Idle workers spin this long for the next job before parking (keeps back-to-back calls cheap). */
    private static final long SPIN_NANOS = 50_000;

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

    /** Runs the job on the caller plus up to {@code maxHelpers} idle workers and returns when all regions are done. */
    static void run(GemmJob job, int maxHelpers) {
        Worker[] ws = workers;
        int recruited = 0;
        job.activeWorkers.set(0);
        for (int i = 0; i < ws.length && recruited < maxHelpers; i++) {
            Worker w = ws[i];
            if (w.idle.compareAndSet(true, false)) {
                job.activeWorkers.incrementAndGet();
                w.job = job;
                LockSupport.unpark(w);
                recruited++;
            }
        }
        Throwable own = null;
        try {
            job.runParts(GemmWorkspace.current());
        } catch (Throwable t) {
            own = t;
            job.nextPart.set(Integer.MAX_VALUE / 2); // stop the others from taking new regions
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
    }

    private static final class Worker extends Thread {
        final AtomicBoolean idle = new AtomicBoolean(true);
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
                GemmJob j = job;
                if (j == null) {
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
                try {
                    j.runParts(workspace);
                } catch (Throwable t) {
                    j.failure = t;
                    j.nextPart.set(Integer.MAX_VALUE / 2);
                }
                job = null;
                idle.set(true);
                j.workerDone();
                spinUntil = 0;
            }
        }
    }
}
