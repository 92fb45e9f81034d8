package org.jitgrad.app.serve;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between the /train request threads and the one trainer thread, counted in
 * examples. A request's examples enter whole or not at all ({@link #offer}); the trainer takes them
 * in mini-batches ({@link #take}). After {@link #close()} nothing more is accepted and {@code take}
 * returns what is left, then 0.
 *
 * <p>One lock guards the queue. The request threads hold it only to append a parsed request (a
 * reference, no copying); the trainer holds it while copying at most one batch out. Predictions
 * never touch it.
 */
final class ExampleQueue {
    /** What {@link #offer} did. */
    enum Offer { ACCEPTED, FULL, CLOSED }

    private final int capacity;
    private final int featureCount;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<CsvRows.Rows> chunks = new ArrayDeque<>();
    private int headOffset;           // rows of the first chunk already taken
    private volatile int depth;       // examples waiting
    private volatile long accepted;   // examples ever accepted
    private volatile int inFlight;    // taken by the trainer, not yet trained
    private volatile long trained;    // examples the trainer has stepped on
    private boolean closed;
    private boolean paused;

    ExampleQueue(int capacity, int featureCount) {
        if (capacity < 1) throw new IllegalArgumentException("queue capacity must be >= 1, got " + capacity);
        this.capacity = capacity;
        this.featureCount = featureCount;
    }

    /** Appends all of {@code rows}, or nothing when they do not all fit or the queue is closed. */
    Offer offer(CsvRows.Rows rows) {
        lock.lock();
        try {
            if (closed) return Offer.CLOSED;
            if (rows.rows() > capacity - depth) return Offer.FULL;
            chunks.addLast(rows);
            depth += rows.rows();
            accepted += rows.rows();
            changed.signalAll();
            return Offer.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Copies up to {@code max} examples into {@code x} (row-major) and {@code y}, waiting for at
     * least one. When fewer than {@code max} are waiting it waits up to {@code lingerNanos} more for
     * a full batch (not after {@link #close()}).
     *
     * @return the number of examples copied; 0 only when the queue is closed and empty
     */
    int take(float[] x, float[] y, int max, long lingerNanos) throws InterruptedException {
        lock.lock();
        try {
            while ((depth == 0 || paused) && !closed) changed.await();
            if (depth < max && !closed && lingerNanos > 0) {
                long left = lingerNanos;
                while (depth < max && !closed && left > 0) left = changed.awaitNanos(left);
            }
            int n = Math.min(depth, max);
            int copied = 0;
            while (copied < n) {
                CsvRows.Rows head = chunks.peekFirst();
                int k = Math.min(n - copied, head.rows() - headOffset);
                System.arraycopy(head.features(), headOffset * featureCount, x, copied * featureCount, k * featureCount);
                System.arraycopy(head.labels(), headOffset, y, copied, k);
                copied += k;
                headOffset += k;
                if (headOffset == head.rows()) {
                    chunks.removeFirst();
                    headOffset = 0;
                }
            }
            depth -= n;
            inFlight += n;
            changed.signalAll();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** The trainer reports {@code n} examples of those it took as trained. */
    void trained(int n) {
        lock.lock();
        try {
            if (n > inFlight) throw new IllegalStateException("trained " + n + " examples but only " + inFlight + " were taken");
            inFlight -= n;
            trained += n;
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting; the trainer still gets what is queued. */
    void close() {
        lock.lock();
        try {
            closed = true;
            paused = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** While paused, {@link #take} hands out nothing (until resumed or closed). For tests and maintenance. */
    void setPaused(boolean pause) {
        lock.lock();
        try {
            paused = pause;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Examples waiting (a racy but consistent snapshot of one counter). */
    int depth() { return depth; }

    /** Examples accepted since start. */
    long accepted() { return accepted; }

    int capacity() { return capacity; }

    /** Examples trained since start. */
    long trained() { return trained; }

    /** The counters read together, so that {@code accepted == trained + inFlight + depth} holds in it. */
    record Ledger(long accepted, long trained, int inFlight, int depth) {}

    Ledger ledger() {
        lock.lock();
        try {
            return new Ledger(accepted, trained, inFlight, depth);
        } finally {
            lock.unlock();
        }
    }
}
