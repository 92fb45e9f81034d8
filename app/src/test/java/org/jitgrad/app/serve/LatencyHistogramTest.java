package org.jitgrad.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void bucketsAreContiguousAndWithinASixteenth() {
        long previous = -1;
        for (int i = 0; i < LatencyHistogram.BUCKETS - 1; i++) {
            long upper = LatencyHistogram.upperBound(i);
            assertTrue(upper > previous, "bucket " + i);
            assertEquals(i, LatencyHistogram.index(upper), "upper bound of " + i);
            assertEquals(i, LatencyHistogram.index(previous + 1), "lower bound of " + i);
            assertTrue(upper - previous <= Math.max(1, (previous + 1) / 16), "width of " + i);
            previous = upper;
        }
    }

    @Test
    void percentiles() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++) h.recordNanos(i * 10_000L);  // 10 us .. 10 ms
        LatencyHistogram.Summary s = h.summary();
        assertEquals(1000, s.count());
        assertEquals(5.0, s.p50Ms(), 5.0 / 16);
        assertEquals(9.9, s.p99Ms(), 9.9 / 16);
        assertEquals(10.0, s.maxMs(), 10.0 / 16);
        assertTrue(s.p50Ms() >= 5.0 && s.p99Ms() >= 9.9, "upper bounds never under-report");
    }

    @Test
    void rateMeterCountsCompleteIntervals() {
        RateMeter m = new RateMeter(0);
        long q = RateMeter.BUCKET_NANOS;
        for (int i = 0; i < 8; i++) m.record(i * q + 1, 10);  // 10 per 250 ms = 40/s for 2 s
        assertEquals(40.0, m.perSecond(8 * q), 1e-9);
        assertEquals(0.0, m.perSecond(40 * q), 1e-9, "idle for more than the window");
    }
}
