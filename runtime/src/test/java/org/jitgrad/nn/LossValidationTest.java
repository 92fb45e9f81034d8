package org.jitgrad.nn;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loss and layer argument errors. */
class LossValidationTest {
    private final Tensor logits = Tensor.zeros(3, 4).requiresGrad();

    @Test
    void crossEntropyLabelShape() {
        assertThrowsNaming(ShapeException.class, () -> Losses.crossEntropy(logits, Tensor.zeros(2)), "crossEntropy", "[3, 4]", "[2]");
        assertThrowsNaming(ShapeException.class, () -> Losses.crossEntropy(logits, Tensor.zeros(3, 1)), "crossEntropy", "[3, 4]", "[3, 1]");
        assertThrowsNaming(ShapeException.class, () -> Losses.crossEntropy(Tensor.zeros(4), Tensor.zeros(4)), "crossEntropy", "[4]");
        assertThrowsNaming(ShapeException.class, () -> Losses.crossEntropy(Tensor.zeros(0, 4), Tensor.zeros(0)), "crossEntropy", "[0, 4]");
    }

    @ParameterizedTest
    @ValueSource(floats = {4f, 5f, -1f, 1.5f, Float.NaN, Float.POSITIVE_INFINITY, -0.5f})
    void crossEntropyBadLabelValues(float bad) {
        Tensor labels = Tensor.of(new float[] {0f, bad, 1f}, 3);
        assertThrowsNaming(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, labels),
                "crossEntropy", "row 1", String.valueOf(bad), "[0, 4)");
    }

    @Test
    void outOfRangeLabelWithThreeClasses() {
        Tensor l3 = Tensor.zeros(2, 3).requiresGrad();
        assertThrowsNaming(IllegalArgumentException.class, () -> Losses.crossEntropy(l3, Tensor.of(new float[] {5f, 0f}, 2)),
                "row 0", "5.0", "[0, 3)");
        assertNull(l3.grad());
    }

    @Test
    void mseShapes() {
        assertThrowsNaming(ShapeException.class, () -> Losses.mse(Tensor.zeros(3, 1), Tensor.zeros(3)), "mse", "[3, 1]", "[3]");
        assertThrowsNaming(ShapeException.class, () -> Losses.mse(Tensor.zeros(2, 3), Tensor.scalar(0f)), "mse", "[2, 3]", "[]");
    }

    @Test
    void linearInputWidthAndSizes() {
        Linear l = new Linear(4, 3, 0);
        assertThrowsNaming(ShapeException.class, () -> l.forward(Tensor.zeros(2, 5)), "Linear(4, 3)", "[2, 5]", "[..., 4]");
        assertThrowsNaming(ShapeException.class, () -> l.forward(Tensor.zeros(4)), "Linear(4, 3)", "[4]");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Linear(0, 3, 0), "Linear", "in=0");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Linear(3, -1, 0), "Linear", "out=-1");
        assertThrowsNaming(IllegalArgumentException.class, () -> MLP.of(new int[] {4}, Activation.RELU, 0), "MLP", "[4]");
    }
}
