package org.jitgrad.autograd;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.jitgrad.nn.Losses;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Errors from backward, and that a backward that throws changes no gradient and keeps the graph usable. */
class BackwardValidationTest {
    @Test
    void backwardOnANonScalar() {
        Tensor w = Tensor.ones(2, 3).requiresGrad();
        Tensor y = w.mul(2f);
        assertThrowsNaming(IllegalStateException.class, y::backward, "backward()", "[2, 3]", "not a scalar", "backward(grad)");
        assertNull(w.grad());
        y.sum().backward();   // the graph was not released by the failed call
        assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, w.grad().toArray());
    }

    @Test
    void backwardWithAWrongShapedGradientChangesNothing() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad();
        w.mul(w).sum().backward();
        float[] before = w.grad().toArray();
        Tensor y = w.mul(3f);
        assertThrowsNaming(ShapeException.class, () -> y.backward(Tensor.ones(3, 1)), "backward(grad)", "[3, 1]", "[3]");
        assertThrowsNaming(ShapeException.class, () -> y.backward(Tensor.scalar(1f)), "backward(grad)", "[]", "[3]");
        assertArrayEquals(before, w.grad().toArray());
        y.backward(Tensor.ones(3));
        assertArrayEquals(new float[] {5, 7, 9}, w.grad().toArray());
    }

    @Test
    void backwardOnSomethingThatTracksNothing() {
        assertThrowsNaming(IllegalStateException.class, () -> Tensor.scalar(1f).mul(2f).backward(), "backward()", "[]",
                "does not depend on any parameter");
    }

    @Test
    void labelsChangedAfterTheForwardPassAreRejectedByBackwardWithoutTouchingGradients() {
        // labels are plain tensors and can be overwritten between forward and backward
        Tensor w = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad();
        Tensor labels = Tensor.of(new float[] {0, 2}, 2);
        Tensor loss = Losses.crossEntropy(w, labels).add(w.sum());
        labels.copyFrom(new float[] {5, 0});
        assertThrowsNaming(IllegalArgumentException.class, loss::backward, "crossEntropy", "5.0", "[0, 3)");
        assertNull(w.grad(), "a backward that threw must leave parameter gradients alone");
    }
}
