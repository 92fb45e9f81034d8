package org.jitgrad.app.serve;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Lock-free latency histogram with log-linear buckets over microseconds: values below 32 us are
 * exact, above that each power of two is split into 16 buckets, so a reported percentile is within
 * 1/16 (6.25%) of the true one. Recording is one atomic increment; any thread may record and read.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    /** Buckets up to 2^40 us (about 12 days); larger values land in the last one. */
    static final int BUCKETS = (40 - SUB_BITS) * SUB + 2 * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** Records one latency. */
    public void recordNanos(long nanos) {
        counts.incrementAndGet(index(Math.max(0, nanos / 1000)));
    }

    static int index(long micros) {
        if (micros < 2 * SUB) return (int) micros;
        int msb = 63 - Long.numberOfLeadingZeros(micros);
        int sub = (int) (micros >>> (msb - SUB_BITS)) & (SUB - 1);
        return Math.min(BUCKETS - 1, (msb - SUB_BITS) * SUB + SUB + sub);
    }

    /** The largest value (us) that falls in bucket {@code i}. */
    static long upperBound(int i) {
        if (i < 2 * SUB) return i;
        int msb = (i - SUB) / SUB + SUB_BITS;
        long sub = (i - SUB) % SUB;
        return ((SUB + sub + 1) << (msb - SUB_BITS)) - 1;
    }

    /** Count, percentiles and maximum at one moment (counts read one by one, racing new records). */
    public record Summary(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs) {}

    public Summary summary() {
        long[] c = new long[BUCKETS];
        long total = 0;
        int last = -1;
        for (int i = 0; i < BUCKETS; i++) {
            c[i] = counts.get(i);
            total += c[i];
            if (c[i] > 0) last = i;
        }
        if (total == 0) return new Summary(0, 0, 0, 0, 0, 0);
        return new Summary(total, percentile(c, total, 0.50), percentile(c, total, 0.90), percentile(c, total, 0.99),
                percentile(c, total, 0.999), upperBound(last) / 1000.0);
    }

    /** The upper bound (ms) of the bucket holding the value of rank ceil(q * total). */
    private static double percentile(long[] c, long total, double q) {
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < c.length; i++) {
            seen += c[i];
            if (seen >= rank) return upperBound(i) / 1000.0;
        }
        return upperBound(c.length - 1) / 1000.0;
    }
}
