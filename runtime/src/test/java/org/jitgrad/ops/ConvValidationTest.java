package org.jitgrad.ops;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;

import org.jitgrad.autograd.Eager;
import org.jitgrad.tensor.OpObserver;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Bad inputs to convolution and pooling: the exception names the op and the shapes or values at fault. */
class ConvValidationTest {
    private static final Tensor X = Tensor.zeros(2, 3, 7, 7);
    private static final Tensor W = Tensor.zeros(5, 3, 3, 3);

    @Test
    void conv2dRanks() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(3, 7, 7).conv2d(W, null, 1, 0),
                "conv2d", "input", "[3, 7, 7]");
        assertThrowsNaming(ShapeException.class, () -> X.conv2d(Tensor.zeros(5, 3, 3), null, 1, 0),
                "conv2d", "weight", "[5, 3, 3]");
    }

    @Test
    void conv2dChannelMismatch() {
        assertThrowsNaming(ShapeException.class, () -> X.conv2d(Tensor.zeros(5, 4, 3, 3), null, 1, 0),
                "conv2d", "[2, 3, 7, 7]", "[5, 4, 3, 3]", "3 channels", "expects 4");
    }

    @Test
    void conv2dKernelLargerThanThePaddedInput() {
        assertThrowsNaming(ShapeException.class, () -> X.conv2d(Tensor.zeros(5, 3, 10, 3), null, 1, 1),
                "conv2d", "10x3", "[2, 3, 7, 7]", "padding 1", "9x9");
        assertThrowsNaming(ShapeException.class, () -> X.conv2d(Tensor.zeros(5, 3, 3, 8), null, 1, 0),
                "conv2d", "3x8", "[2, 3, 7, 7]");
    }

    @Test
    void conv2dEmptyKernel() {
        assertThrowsNaming(ShapeException.class, () -> X.conv2d(Tensor.zeros(5, 3, 0, 3), null, 1, 0),
                "conv2d", "[5, 3, 0, 3]", "empty kernel");
    }

    @Test
    void conv2dStrideAndPaddingValues() {
        assertThrowsNaming(IllegalArgumentException.class, () -> X.conv2d(W, null, 0, 0), "conv2d", "stride", "0");
        assertThrowsNaming(IllegalArgumentException.class, () -> X.conv2d(W, null, -2, 0), "conv2d", "stride", "-2");
        assertThrowsNaming(IllegalArgumentException.class, () -> X.conv2d(W, null, 1, -1), "conv2d", "padding", "-1");
        assertThrowsNaming(IllegalArgumentException.class, () -> X.conv2d(W, null, 1, Integer.MAX_VALUE),
                "conv2d", "padding", String.valueOf(Integer.MAX_VALUE), "[2, 3, 7, 7]");
    }

    @Test
    void conv2dPatchMatrixTooLargeForAnArray() {
        // shapes only: a 40000x40000 image is never allocated
        assertThrowsNaming(ShapeException.class, () -> ConvOp.CONV2D.outputShape(new OpParams.Conv(1, 1),
                org.jitgrad.tensor.Shape.of(1, 1, 40000, 40000), org.jitgrad.tensor.Shape.of(1, 1, 3, 3)),
                "conv2d", "[1, 1, 40000, 40000]", "[1, 1, 3, 3]", "14400000000");
    }

    @Test
    void conv2dBiasShape() {
        assertThrowsNaming(ShapeException.class, () -> X.conv2d(W, Tensor.zeros(4), 1, 0),
                "conv2d", "bias", "[5]", "[5, 3, 3, 3]", "[4]");
        assertThrowsNaming(ShapeException.class, () -> X.conv2d(W, Tensor.zeros(1, 5), 1, 0),
                "conv2d", "bias", "[1, 5]");
    }

    @Test
    void conv2dChecksTheBiasBeforeApplyingAnyOp() {
        java.util.List<String> applied = new java.util.ArrayList<>();
        OpObserver recorder = new OpObserver() {
            @Override public void onOp(Op op, OpParams params, Tensor[] inputs, Tensor output) { applied.add(op.name()); }
            @Override public void onRead(Tensor tensor, String what) {}
        };
        try (OpObserver.Scope ignored = OpObserver.install(recorder)) {
            assertThrowsNaming(ShapeException.class, () -> X.conv2d(W, Tensor.zeros(4), 1, 0), "bias");
        }
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), applied);
    }

    @Test
    void poolRanks() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(3, 7, 7).maxPool2d(2, 2), "maxPool2d", "[3, 7, 7]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(7, 7).avgPool2d(2, 2), "avgPool2d", "[7, 7]");
    }

    @Test
    void poolWindowLargerThanTheInput() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(1, 1, 7, 3).maxPool2d(4, 1),
                "maxPool2d", "4x4", "[1, 1, 7, 3]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(1, 1, 2, 9).avgPool2d(3, 1),
                "avgPool2d", "3x3", "[1, 1, 2, 9]");
    }

    @Test
    void poolKernelAndStrideValues() {
        assertThrowsNaming(IllegalArgumentException.class, () -> X.maxPool2d(0, 1), "maxPool2d", "kernel", "0");
        assertThrowsNaming(IllegalArgumentException.class, () -> X.maxPool2d(2, 0), "maxPool2d", "stride", "0");
        assertThrowsNaming(IllegalArgumentException.class, () -> X.avgPool2d(-1, 1), "avgPool2d", "kernel", "-1");
        assertThrowsNaming(IllegalArgumentException.class, () -> X.avgPool2d(2, -3), "avgPool2d", "stride", "-3");
    }

    @Test
    void poolPaddingIsNotSupported() {
        assertThrowsNaming(IllegalArgumentException.class,
                () -> Eager.apply(ConvOp.MAX_POOL2D, new OpParams.Window(2, 2, 1), X), "maxPool2d", "padding", "1");
    }

    @Test
    void backwardOpsCheckTheGradientShape() {
        OpParams.Conv conv = new OpParams.Conv(1, 0);
        assertThrowsNaming(ShapeException.class, () -> Eager.apply(ConvOp.CONV2D_GRAD_INPUT,
                new OpParams.GradTarget(conv, X.shape()), W, Tensor.zeros(2, 5, 6, 5)), "conv2d backward", "[2, 5, 6, 5]", "[2, 5, 5, 5]");
        assertThrowsNaming(ShapeException.class, () -> Eager.apply(ConvOp.CONV2D_GRAD_WEIGHT,
                new OpParams.GradTarget(conv, W.shape()), X, Tensor.zeros(2, 4, 5, 5)), "conv2d backward", "[2, 4, 5, 5]");
        assertThrowsNaming(ShapeException.class, () -> Eager.apply(ConvOp.MAX_POOL2D_GRAD, new OpParams.Window(2, 2, 0),
                X, Tensor.zeros(2, 3, 4, 4)), "maxPool2d backward", "[2, 3, 4, 4]", "[2, 3, 3, 3]");
        assertThrowsNaming(ShapeException.class, () -> Eager.apply(ConvOp.AVG_POOL2D_GRAD,
                new OpParams.GradTarget(new OpParams.Window(2, 2, 0), X.shape()), Tensor.zeros(2, 3, 4, 4)),
                "avgPool2d backward", "[2, 3, 4, 4]");
    }
}
