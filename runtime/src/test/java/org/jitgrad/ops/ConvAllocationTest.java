package org.jitgrad.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.jitgrad.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The compiler calls each op's forward from generated code on every step, so the convolution and pooling kernels
 * must allocate nothing once warm (the patch matrices are per-thread scratch). Each op is called repeatedly until a
 * round of calls allocates nothing, or a deadline passes (the first rounds may allocate while the JIT settles).
 */
class ConvAllocationTest {
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
    void convolutionKernelsAllocateNothing() {
        Shape x = Shape.of(4, 6, 14, 14), w = Shape.of(16, 6, 5, 5), y = Shape.of(4, 16, 10, 10);
        OpParams.Conv conv = new OpParams.Conv(1, 0);
        assertNoAllocation("conv2d", ConvOp.CONV2D, conv, x, w);
        assertNoAllocation("conv2d input gradient", ConvOp.CONV2D_GRAD_INPUT, new OpParams.GradTarget(conv, x), w, y);
        assertNoAllocation("conv2d weight gradient", ConvOp.CONV2D_GRAD_WEIGHT, new OpParams.GradTarget(conv, w), x, y);
        // 72 x 4096 floats of patches per image: past the default budget, so one image per product
        Shape big = Shape.of(2, 8, 64, 64), big3 = Shape.of(4, 8, 3, 3);
        assertNoAllocation("conv2d image by image", ConvOp.CONV2D, new OpParams.Conv(1, 1), big, big3);
    }

    @Test
    void poolingKernelsAllocateNothing() {
        Shape x = Shape.of(4, 6, 28, 28), y = Shape.of(4, 6, 14, 14);
        OpParams.Window window = new OpParams.Window(2, 2, 0);
        assertNoAllocation("maxPool2d", ConvOp.MAX_POOL2D, window, x);
        assertNoAllocation("maxPool2d gradient", ConvOp.MAX_POOL2D_GRAD, window, x, y);
        assertNoAllocation("avgPool2d", ConvOp.AVG_POOL2D, window, x);
        assertNoAllocation("avgPool2d gradient", ConvOp.AVG_POOL2D_GRAD, new OpParams.GradTarget(window, x), y);
    }
}
