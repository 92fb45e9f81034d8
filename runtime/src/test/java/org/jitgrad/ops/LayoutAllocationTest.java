package org.jitgrad.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.jitgrad.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The compiler calls each op's forward from generated code on every step, so the layout kernels and batched matmul
 * must allocate nothing once warm (their scratch is per thread). Each form is called repeatedly until a round of
 * calls allocates nothing, or a deadline passes (the first rounds may allocate while the JIT settles).
 */
class LayoutAllocationTest {
    private static void assertNoAllocation(String what, Op op, OpParams params, Shape... in) {
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

    @Test
    void layoutKernelsAllocateNothing() {
        Shape x = Shape.of(2, 17, 3, 33);
        assertNoAllocation("permute keeping the last axis", LayoutOp.PERMUTE, new OpParams.Permutation(new int[] {0, 2, 1, 3}), x);
        assertNoAllocation("permute moving the last axis", LayoutOp.PERMUTE, new OpParams.Permutation(new int[] {3, 1, 0, 2}), x);
        assertNoAllocation("permute of rank 2", LayoutOp.PERMUTE, new OpParams.Permutation(new int[] {1, 0}), Shape.of(40, 33));
        assertNoAllocation("slice", LayoutOp.SLICE, new OpParams.Range(1, 2, 9), x);
        assertNoAllocation("pad", LayoutOp.PAD, new OpParams.Placement(3, 4, 40), x);
    }

    @Test
    void batchedMatmulAllocatesNothing() {
        OpParams plain = new OpParams.Transposes(false, false), both = new OpParams.Transposes(true, true);
        assertNoAllocation("[B,T,C] x [C,D]", LinalgOp.MATMUL, plain, Shape.of(4, 33, 17), Shape.of(17, 7));
        assertNoAllocation("broadcast batch", LinalgOp.MATMUL, plain, Shape.of(2, 1, 7, 5), Shape.of(3, 5, 17));
        assertNoAllocation("transposed batch", LinalgOp.MATMUL, both, Shape.of(2, 3, 5, 7), Shape.of(2, 3, 17, 5));
        // 48 products of 64x32x64: dealt out whole to the worker threads when there are two
        assertNoAllocation("batch dealt out", LinalgOp.MATMUL, plain, Shape.of(12, 4, 64, 32), Shape.of(12, 4, 32, 64));
    }
}
