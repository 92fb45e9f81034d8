package org.jitgrad.tensor;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Construction and property errors on tensors and shapes. */
class TensorValidationTest {
    @Test
    void wrongDataLength() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.of(new float[5], 2, 3), "Tensor.of", "5 values", "[2, 3]", "6 elements");
        assertThrowsNaming(ShapeException.class, () -> Tensor.wrap(new float[2], 3), "2 values", "[3]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.of(new float[2]), "2 values", "[]");
    }

    @Test
    void rankAboveFour() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(1, 2, 1, 2, 1), "rank 5", "[1, 2, 1, 2, 1]", "maximum rank 4");
        assertThrowsNaming(ShapeException.class, () -> Tensor.of(new float[1], 1, 1, 1, 1, 1), "rank 5");
    }

    @Test
    void negativeDimensions() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.of(new float[0], 2, -1), "negative dimension", "[2, -1]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(-3), "negative dimension", "[-3]");
    }

    @Test
    void tooManyElements() {
        assertThrowsNaming(ShapeException.class, () -> Shape.of(1 << 16, 1 << 16), "[65536, 65536]", "2^31-1");
    }

    @Test
    void itemOnMultiElementTensor() {
        assertThrowsNaming(IllegalStateException.class, () -> Tensor.zeros(2, 3).item(), "item()", "[2, 3]", "6 elements");
    }

    @Test
    void requiresGradOnANonLeaf() {
        Tensor w = Tensor.ones(2).requiresGrad();
        Tensor y = w.mul(w);
        assertThrowsNaming(IllegalStateException.class, y::requiresGrad, "requiresGrad()", "leaf", "MUL");
    }

    @Test
    void setGradCopyFromAndUniformArguments() {
        Tensor w = Tensor.ones(2, 3).requiresGrad();
        assertThrowsNaming(ShapeException.class, () -> w.setGrad(Tensor.zeros(3, 2)), "setGrad", "[3, 2]", "[2, 3]");
        assertNull(w.grad());
        assertThrowsNaming(ShapeException.class, () -> w.accumulateGrad(Tensor.zeros(6)), "accumulateGrad", "[6]", "[2, 3]");
        assertThrowsNaming(ShapeException.class, () -> w.copyFrom(new float[5]), "copyFrom", "5 values", "[2, 3]");
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, w.toArray(), "a failed copyFrom writes nothing");
        assertThrowsNaming(IllegalArgumentException.class, () -> Tensor.uniform(1, 2f, 2f, 3), "uniform", "low 2.0", "high 2.0");
    }

    @Test
    void badAxisNamesOpAxisAndShape() {
        Tensor x = Tensor.zeros(2, 3);
        assertThrowsNaming(ShapeException.class, () -> x.sum(2, false), "sum", "axis 2", "[2, 3]");
        assertThrowsNaming(ShapeException.class, () -> x.sum(-3, true), "sum", "axis -3", "[2, 3]");
        assertThrowsNaming(ShapeException.class, () -> x.mean(5, false), "mean", "axis 5", "[2, 3]");
        assertThrowsNaming(ShapeException.class, () -> x.max(2), "max", "axis 2", "[2, 3]");
        assertThrowsNaming(ShapeException.class, () -> x.softmax(3), "softmax", "axis 3", "[2, 3]");
        assertThrowsNaming(ShapeException.class, () -> x.logSoftmax(-4), "logSoftmax", "axis -4", "[2, 3]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.scalar(1f).sum(0, false), "sum", "axis 0", "[]");
    }

    @Test
    void emptyReductions() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(0, 3).mean(), "mean", "[0, 3]", "empty");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(0, 3).mean(0, false), "mean", "axis 0", "[0, 3]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(2, 0).max(1), "max", "axis 1", "[2, 0]");
    }
}
