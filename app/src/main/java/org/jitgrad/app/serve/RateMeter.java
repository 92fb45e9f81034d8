package org.jitgrad.app.serve;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Events per second over the last few seconds, for one writer thread and any readers: a ring of
 * 250 ms buckets, each tagged with the interval it counts. The rate is the sum of the complete
 * buckets of the last {@value #WINDOW_BUCKETS} intervals (5 s) divided by their span, so it falls to
 * 0 within 5 s of the events stopping.
 */
final class RateMeter {
    static final long BUCKET_NANOS = 250_000_000L;
    static final int WINDOW_BUCKETS = 20;
    private static final int RING = WINDOW_BUCKETS + 2;

    private final long origin;
    private final AtomicLongArray interval = new AtomicLongArray(RING);
    private final AtomicLongArray count = new AtomicLongArray(RING);

    RateMeter(long originNanos) {
        this.origin = originNanos;
        for (int i = 0; i < RING; i++) interval.set(i, -1);
    }

    /** Counts {@code n} events now. Single writer. */
    void record(long nowNanos, long n) {
        long k = (nowNanos - origin) / BUCKET_NANOS;
        int slot = (int) (k % RING);
        if (interval.get(slot) != k) {
            count.set(slot, 0);
            interval.set(slot, k);
        }
        count.addAndGet(slot, n);
    }

    /** Events per second over the complete intervals of the last 5 s (fewer right after start). */
    double perSecond(long nowNanos) {
        long current = (nowNanos - origin) / BUCKET_NANOS;
        long first = Math.max(0, current - WINDOW_BUCKETS);
        if (current == first) return 0;
        long sum = 0;
        for (int i = 0; i < RING; i++) {
            long k = interval.get(i);
            if (k >= first && k < current) sum += count.get(i);
        }
        return sum / ((current - first) * (BUCKET_NANOS / 1e9));
    }
}
