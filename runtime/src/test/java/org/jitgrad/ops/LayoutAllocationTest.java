package org.jitgrad.ops;

import static org.jitgrad.testing.Allocation.assertForwardAllocatesNothing;


import org.jitgrad.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The compiler calls each op's forward from generated code on every step, so the layout kernels and batched matmul
 * must allocate nothing once warm (their scratch is per thread). Each form is called repeatedly until a round of
 * calls allocates nothing, or a deadline passes (the first rounds may allocate while the JIT settles).
 */
class LayoutAllocationTest {
    @Test
    void layoutKernelsAllocateNothing() {
        Shape x = Shape.of(2, 17, 3, 33);
        assertForwardAllocatesNothing("permute keeping the last axis", LayoutOp.PERMUTE, new OpParams.Permutation(new int[] {0, 2, 1, 3}), x);
        assertForwardAllocatesNothing("permute moving the last axis", LayoutOp.PERMUTE, new OpParams.Permutation(new int[] {3, 1, 0, 2}), x);
        assertForwardAllocatesNothing("permute of rank 2", LayoutOp.PERMUTE, new OpParams.Permutation(new int[] {1, 0}), Shape.of(40, 33));
        assertForwardAllocatesNothing("slice", LayoutOp.SLICE, new OpParams.Range(1, 2, 9), x);
        assertForwardAllocatesNothing("pad", LayoutOp.PAD, new OpParams.Placement(3, 4, 40), x);
    }

    @Test
    void batchedMatmulAllocatesNothing() {
        OpParams plain = new OpParams.Transposes(false, false), both = new OpParams.Transposes(true, true);
        assertForwardAllocatesNothing("[B,T,C] x [C,D]", LinalgOp.MATMUL, plain, Shape.of(4, 33, 17), Shape.of(17, 7));
        assertForwardAllocatesNothing("broadcast batch", LinalgOp.MATMUL, plain, Shape.of(2, 1, 7, 5), Shape.of(3, 5, 17));
        assertForwardAllocatesNothing("transposed batch", LinalgOp.MATMUL, both, Shape.of(2, 3, 5, 7), Shape.of(2, 3, 17, 5));
        // 48 products of 64x32x64: dealt out whole to the worker threads when there are two
        assertForwardAllocatesNothing("batch dealt out", LinalgOp.MATMUL, plain, Shape.of(12, 4, 64, 32), Shape.of(12, 4, 32, 64));
    }
}
