package org.jitgrad.app.serve;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between the /train request threads and the one trainer thread, counted in
 * examples. A request's examples enter whole or not at all ({@link #offer}); the trainer takes them
 * in mini-batches ({@link #take}). After {@link #close()} nothing more is accepted and {@code take}
 * returns what is left, then 0.
 *
 * <p>The waiting examples live in one ring of {@code capacity} rows allocated up front, not in the
 * parsed requests: a queue of per-request arrays kept up to {@code capacity} examples (51 MB for
 * 16,384 MNIST rows) alive in the young generation, for every young collection to copy while all
 * threads, predictions included, wait. The ring is old from the first collection on.
 *
 * <p>One lock guards the queue. A request thread holds it while copying its parsed rows in; the
 * trainer holds it while copying at most one batch out. Predictions never touch it.
 */
final class ExampleQueue {
    /** What {@link #offer} did. */
    enum Offer { ACCEPTED, FULL, CLOSED }

    private final int capacity;
    private final int featureCount;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final float[] features;   // ring of capacity rows of featureCount values
    private final float[] labels;     // ring of capacity labels
    private int head;                 // ring row of the oldest waiting example
    private volatile int depth;       // examples waiting
    private volatile long accepted;   // examples ever accepted
    private volatile int inFlight;    // taken by the trainer, not yet trained
    private volatile long trained;    // examples the trainer has stepped on
    private boolean closed;
    private boolean paused;

    ExampleQueue(int capacity, int featureCount) {
        if (capacity < 1) throw new IllegalArgumentException("queue capacity must be >= 1, got " + capacity);
        if (featureCount < 1) throw new IllegalArgumentException("feature count must be >= 1, got " + featureCount);
        long values = (long) capacity * featureCount;
        if (values > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a queue of " + capacity + " examples of " + featureCount
                    + " features needs " + values + " floats, more than one array holds; lower --queue-capacity");
        }
        this.capacity = capacity;
        this.featureCount = featureCount;
        this.features = new float[(int) values];
        this.labels = new float[capacity];
    }

    /** Appends all of {@code rows}, or nothing when they do not all fit or the queue is closed. */
    Offer offer(CsvRows.Rows rows) {
        if (rows.featureCount() != featureCount) {
            throw new IllegalArgumentException("rows of " + rows.featureCount() + " features offered to a queue of " + featureCount);
        }
        return offer(rows.features(), rows.labels(), rows.rows());
    }

    /**
     * Appends the first {@code n} rows of {@code rows} ({@code n x featureCount} features) and {@code labels}, or
     * nothing when they do not all fit or the queue is closed. The arrays are copied: the caller may reuse them.
     */
    Offer offer(float[] rows, float[] labels, int n) {
        lock.lock();
        try {
            if (closed) return Offer.CLOSED;
            if (n > capacity - depth) return Offer.FULL;
            int tail = (head + depth) % capacity;
            int first = Math.min(n, capacity - tail);
            System.arraycopy(rows, 0, features, tail * featureCount, first * featureCount);
            System.arraycopy(labels, 0, this.labels, tail, first);
            System.arraycopy(rows, first * featureCount, features, 0, (n - first) * featureCount);
            System.arraycopy(labels, first, this.labels, 0, n - first);
            depth += n;
            accepted += n;
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
        return take(x, y, max, lingerNanos, -1);
    }

    /**
     * {@link #take(float[], float[], int, long)}, but waiting at most {@code maxWaitNanos} (when not
     * negative) for the first example.
     *
     * @return the number of examples copied; 0 only when the queue is closed and empty; -1 when
     *         {@code maxWaitNanos} passed with nothing to hand out
     */
    int take(float[] x, float[] y, int max, long lingerNanos, long maxWaitNanos) throws InterruptedException {
        lock.lock();
        try {
            long left = maxWaitNanos;
            while ((depth == 0 || paused) && !closed) {
                if (maxWaitNanos < 0) {
                    changed.await();
                } else {
                    if (left <= 0) return -1;
                    left = changed.awaitNanos(left);
                }
            }
            if (depth < max && !closed && lingerNanos > 0) {
                long lingerLeft = lingerNanos;
                while (depth < max && !closed && lingerLeft > 0) lingerLeft = changed.awaitNanos(lingerLeft);
            }
            int n = Math.min(depth, max);
            int first = Math.min(n, capacity - head);
            System.arraycopy(features, head * featureCount, x, 0, first * featureCount);
            System.arraycopy(labels, head, y, 0, first);
            System.arraycopy(features, 0, x, first * featureCount, (n - first) * featureCount);
            System.arraycopy(labels, 0, y, first, n - first);
            head = (head + n) % capacity;
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
