package org.jitgrad.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.jitgrad.ops.Op;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.Shape;

/**
 * The compiler calls each op's forward from generated code on every step, so kernels must allocate nothing once
 * warm. An op is called repeatedly until a round of calls allocates nothing, or a deadline passes (the first
 * rounds may allocate while the JIT settles).
 */
public final class Allocation {
    private Allocation() {}

    /** Fails unless some round of 20 calls of {@code op.forward} on zero inputs of these shapes allocates nothing. */
    public static void assertForwardAllocatesNothing(String what, Op op, OpParams params, Shape... in) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Shape out = op.outputShape(params, in);
        float[][] data = new float[in.length][];
        for (int i = 0; i < in.length; i++) data[i] = new float[in[i].size()];
        float[] result = new float[out.size()];
        long best = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 8_000_000_000L;
        while (best > 0 && System.nanoTime() < deadline) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int r = 0; r < 20; r++) op.forward(params, in, data, out, result);
            best = Math.min(best, bean.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(0, best, "bytes allocated by 20 calls of " + what);
    }
}
