package org.jitgrad.ops;

import static org.jitgrad.testing.Allocation.assertForwardAllocatesNothing;


import org.jitgrad.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The compiler calls each op's forward from generated code on every step, so the convolution and pooling kernels
 * must allocate nothing once warm (the patch matrices are per-thread scratch). Each op is called repeatedly until a
 * round of calls allocates nothing, or a deadline passes (the first rounds may allocate while the JIT settles).
 */
class ConvAllocationTest {
    @Test
    void convolutionKernelsAllocateNothing() {
        Shape x = Shape.of(4, 6, 14, 14), w = Shape.of(16, 6, 5, 5), y = Shape.of(4, 16, 10, 10);
        OpParams.Conv conv = new OpParams.Conv(1, 0);
        assertForwardAllocatesNothing("conv2d", ConvOp.CONV2D, conv, x, w);
        assertForwardAllocatesNothing("conv2d input gradient", ConvOp.CONV2D_GRAD_INPUT, new OpParams.GradTarget(conv, x), w, y);
        assertForwardAllocatesNothing("conv2d weight gradient", ConvOp.CONV2D_GRAD_WEIGHT, new OpParams.GradTarget(conv, w), x, y);
        // LeNet's first layer: the direct convolution, which needs no input gradient
        Shape x1 = Shape.of(4, 1, 28, 28), w1 = Shape.of(6, 1, 5, 5), y1 = Shape.of(4, 6, 28, 28);
        OpParams.Conv padded = new OpParams.Conv(1, 2);
        assertForwardAllocatesNothing("conv2d direct", ConvOp.CONV2D, padded, x1, w1);
        assertForwardAllocatesNothing("conv2d direct weight gradient", ConvOp.CONV2D_GRAD_WEIGHT,
                new OpParams.GradTarget(padded, w1), x1, y1);
        // 72 x 4096 floats of patches per image: past the default budget, so one image per product
        Shape big = Shape.of(2, 8, 64, 64), big3 = Shape.of(4, 8, 3, 3);
        assertForwardAllocatesNothing("conv2d image by image", ConvOp.CONV2D, new OpParams.Conv(1, 1), big, big3);
    }

    @Test
    void poolingKernelsAllocateNothing() {
        Shape x = Shape.of(4, 6, 28, 28), y = Shape.of(4, 6, 14, 14);
        OpParams.Window window = new OpParams.Window(2, 2, 0);
        assertForwardAllocatesNothing("maxPool2d", ConvOp.MAX_POOL2D, window, x);
        assertForwardAllocatesNothing("maxPool2d gradient", ConvOp.MAX_POOL2D_GRAD, window, x, y);
        assertForwardAllocatesNothing("avgPool2d", ConvOp.AVG_POOL2D, window, x);
        assertForwardAllocatesNothing("avgPool2d gradient", ConvOp.AVG_POOL2D_GRAD, new OpParams.GradTarget(window, x), y);
    }
}
