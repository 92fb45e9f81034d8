package org.jitgrad.nn;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Conv2d, MaxPool2d and Flatten: parameters, PyTorch's initialisation, forward, and a LeNet-shaped stack. */
class ConvModulesTest {
    @Test
    void conv2dParametersAndShapes() {
        Conv2d c = new Conv2d(3, 5, 3, 2, 1, true, 7);
        assertArrayEquals(new int[] {5, 3, 3, 3}, c.weight().shape().dims());
        assertArrayEquals(new int[] {5}, c.bias().shape().dims());
        assertTrue(c.weight().isParameter() && c.bias().isParameter());
        assertEquals(List.of("weight", "bias"), List.copyOf(c.namedParameters().keySet()));
        assertEquals("Conv2d(3, 5, kernel=3, stride=2, padding=1)", c.toString());
        assertArrayEquals(new int[] {2, 5, 4, 4}, c.forward(Tensor.zeros(2, 3, 7, 7)).shape().dims());
    }

    @Test
    void conv2dWithoutBias() {
        Conv2d c = new Conv2d(2, 4, 3, 1, 0, false, 1);
        assertNull(c.bias());
        assertEquals(List.of("weight"), List.copyOf(c.namedParameters().keySet()));
        assertTrue(c.toString().contains("bias=false"));
        Tensor x = Tensor.randn(3, 1, 2, 5, 5);
        assertArrayEquals(x.conv2d(c.weight(), null, 1, 0).toArray(), c.forward(x).toArray());
    }

    @Test
    void conv2dInitialisationWithinPlusMinusOneOverSqrtFanIn() {
        Conv2d c = new Conv2d(6, 16, 5, 1, 0, true, 3);
        double bound = 1.0 / Math.sqrt(6 * 5 * 5);
        for (Tensor t : c.parameters()) {
            float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
            for (float v : t.toArray()) {
                assertTrue(Math.abs(v) <= bound, "value " + v + " beyond ±" + bound);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            assertTrue(hi > 0.5 * bound && lo < -0.5 * bound, "values should spread over the range, got " + lo + ".." + hi);
        }
        Conv2d same = new Conv2d(6, 16, 5, 1, 0, true, 3), other = new Conv2d(6, 16, 5, 1, 0, true, 4);
        assertArrayEquals(c.weight().toArray(), same.weight().toArray());
        assertFalse(Arrays.equals(c.weight().toArray(), other.weight().toArray()));
    }

    @Test
    void conv2dForwardIsTheConvolutionPlusTheBias() {
        Conv2d c = new Conv2d(3, 2, 3, 7);
        Tensor x = Tensor.randn(1, 2, 3, 6, 6);
        assertArrayEquals(x.conv2d(c.weight(), c.bias(), 1, 0).toArray(), c.forward(x).toArray());
    }

    @Test
    void conv2dRejectsBadSettingsAndInputs() {
        assertThrowsNaming(IllegalArgumentException.class, () -> new Conv2d(0, 5, 3, 1), "Conv2d", "in=0");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Conv2d(3, 5, 3, 0, 0, true, 1), "Conv2d", "stride=0");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Conv2d(3, 5, 3, 1, -1, true, 1), "Conv2d", "padding=-1");
        assertThrowsNaming(ShapeException.class, () -> new Conv2d(3, 5, 3, 1).forward(Tensor.zeros(1, 4, 7, 7)),
                "conv2d", "[1, 4, 7, 7]", "[5, 3, 3, 3]");
    }

    @Test
    void maxPool2dAndFlatten() {
        MaxPool2d pool = new MaxPool2d(2);
        assertTrue(pool.namedParameters().isEmpty());
        assertEquals("MaxPool2d(kernel=2, stride=2)", pool.toString());
        Tensor x = Tensor.randn(5, 2, 3, 7, 9);
        assertArrayEquals(x.maxPool2d(2, 2).toArray(), pool.forward(x).toArray());
        assertArrayEquals(x.maxPool2d(3, 1).toArray(), new MaxPool2d(3, 1).forward(x).toArray());
        assertThrowsNaming(IllegalArgumentException.class, () -> new MaxPool2d(0), "MaxPool2d", "kernel=0");

        Flatten flatten = new Flatten();
        assertTrue(flatten.namedParameters().isEmpty());
        Tensor flat = flatten.forward(x);
        assertArrayEquals(new int[] {2, 189}, flat.shape().dims());
        assertArrayEquals(x.toArray(), flat.toArray());
        assertArrayEquals(new int[] {4, 1}, flatten.forward(Tensor.zeros(4)).shape().dims());
        assertThrowsNaming(ShapeException.class, () -> flatten.forward(Tensor.scalar(1f)), "Flatten", "scalar");
    }

    @Test
    void leNetShapesAndParameterNames() {
        Sequential net = new Sequential(
                new Conv2d(1, 6, 5, 1, 2, true, 1), Activation.RELU, new MaxPool2d(2),
                new Conv2d(6, 16, 5, 1, 0, true, 2), Activation.RELU, new MaxPool2d(2),
                new Flatten(), new Linear(400, 120, 3), Activation.RELU, new Linear(120, 84, 4), Activation.RELU,
                new Linear(84, 10, 5));
        assertArrayEquals(new int[] {4, 10}, net.forward(Tensor.randn(6, 4, 1, 28, 28)).shape().dims());
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias",
                "11.weight", "11.bias"), List.copyOf(net.namedParameters().keySet()));
    }
}
