package org.jitgrad.app.serve;

import java.util.concurrent.atomic.LongAdder;

/**
 * The server's request counters and its predict latency histogram. The server keeps two sets: the one
 * {@code /metrics} reports, and one its warm-up counts in, so that warm-up requests run exactly the code real
 * requests run (the same branches, which the JIT compiles as it saw them) without showing in the figures.
 */
final class RequestCounters {
    final LongAdder trainRequests = new LongAdder(), predictRequests = new LongAdder(), predictRows = new LongAdder();
    final LongAdder rejectedMalformed = new LongAdder(), rejectedFull = new LongAdder(), rejectedTooLarge = new LongAdder(),
            rejectedShuttingDown = new LongAdder(), rejectedNotReady = new LongAdder(), rejectedOther = new LongAdder();
    final LatencyHistogram predictLatency = new LatencyHistogram();

    /** Every refused request, whatever the reason. */
    long rejected() {
        return rejectedMalformed.sum() + rejectedFull.sum() + rejectedTooLarge.sum() + rejectedShuttingDown.sum()
                + rejectedNotReady.sum() + rejectedOther.sum();
    }
}
