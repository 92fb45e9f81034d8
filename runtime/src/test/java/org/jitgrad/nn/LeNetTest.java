package org.jitgrad.nn;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Unflatten, and the LeNet factory: layers, parameter names and count, seeding, and that it is the stack it says. */
class LeNetTest {
    @Test
    void unflattenGivesEachRowTheSampleShape() {
        Unflatten u = new Unflatten(1, 3, 4);
        assertTrue(u.namedParameters().isEmpty());
        assertEquals("Unflatten[1, 3, 4]", u.toString());
        Tensor x = Tensor.randn(1, 5, 12);
        Tensor y = u.forward(x);
        assertArrayEquals(new int[] {5, 1, 3, 4}, y.shape().dims());
        assertArrayEquals(x.toArray(), y.toArray());
        assertArrayEquals(new int[] {1, 3, 4}, u.sampleShape());
    }

    @Test
    void unflattenRejectsBadShapes() {
        assertThrowsNaming(IllegalArgumentException.class, Unflatten::new, "Unflatten", "at least one");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Unflatten(3, 0), "Unflatten", "[3, 0]");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Unflatten(1, 2, 3, 4), "Unflatten", "[1, 2, 3, 4]",
                "at most 4");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Unflatten(1 << 16, 1 << 16), "2^31");
        Unflatten u = new Unflatten(1, 28, 28);
        assertThrowsNaming(ShapeException.class, () -> u.forward(Tensor.zeros(2, 783)), "Unflatten[1, 28, 28]", "[N, 784]", "[2, 783]");
        assertThrowsNaming(ShapeException.class, () -> u.forward(Tensor.zeros(2, 1, 784)), "[2, 1, 784]");
    }

    @Test
    void classicLeNetShapeNamesAndParameterCount() {
        Sequential net = LeNet.classic(3);
        assertArrayEquals(new int[] {4, 10}, net.forward(Tensor.randn(6, 4, LeNet.INPUTS)).shape().dims());
        assertEquals(List.of("1.weight", "1.bias", "4.weight", "4.bias", "8.weight", "8.bias", "10.weight", "10.bias",
                "12.weight", "12.bias"), List.copyOf(net.namedParameters().keySet()));
        long count = net.parameters().stream().mapToLong(t -> t.size()).sum();
        assertEquals(61_706, count);
        assertEquals(count, LeNet.parameterCount(LeNet.CLASSIC_HIDDEN, 10));
        assertEquals(156 + 2_416 + 400 * 7 + 7, LeNet.parameterCount(new int[0], 7));
    }

    /** The factory's network computes exactly the hand-written stack with the same seeds. */
    @Test
    void ofIsTheDocumentedStack() {
        Sequential net = LeNet.of(new int[] {32}, 5, Activation.TANH, 11);
        Sequential byHand = new Sequential(
                new Conv2d(1, 6, 5, 1, 2, true, 11), Activation.TANH, new MaxPool2d(2),
                new Conv2d(6, 16, 5, 1, 0, true, 12), Activation.TANH, new MaxPool2d(2),
                new Flatten(), new Linear(400, 32, 13), Activation.TANH, new Linear(32, 5, 14));
        Tensor x = Tensor.randn(8, 3, 784);
        assertArrayEquals(byHand.forward(x.reshape(3, 1, 28, 28)).toArray(), net.forward(x).toArray());
        assertFalse(Arrays.equals(net.forward(x).toArray(), LeNet.of(new int[] {32}, 5, Activation.TANH, 12).forward(x).toArray()));
    }

    @Test
    void rejectsBadHeads() {
        assertThrowsNaming(IllegalArgumentException.class, () -> LeNet.of(new int[] {120, 0}, 10, Activation.RELU, 1),
                "LeNet", "[120, 0]");
        assertThrowsNaming(IllegalArgumentException.class, () -> LeNet.of(new int[0], 0, Activation.RELU, 1), "LeNet", "classes", "0");
    }
}
