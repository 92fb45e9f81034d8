package org.jitgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Sequential and MLP: parameter names, counts, order, and layer seeds. */
class SequentialTest {
    @Test
    void mlpNamesAndCounts() {
        Sequential net = MLP.of(new int[] {4, 8, 3}, Activation.RELU, 42);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(net.namedParameters().keySet()));
        int total = net.parameters().stream().mapToInt(Tensor::size).sum();
        assertEquals(4 * 8 + 8 + 8 * 3 + 3, total);
        assertEquals(3, net.layers().size());
        assertSame(Activation.RELU, net.layers().get(1));
    }

    @Test
    void deeperMlpHasNoActivationAfterTheLastLayer() {
        Sequential net = MLP.of(new int[] {784, 256, 128, 10}, Activation.TANH, 1);
        assertEquals(5, net.layers().size());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
                List.copyOf(net.namedParameters().keySet()));
        assertEquals(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10,
                net.parameters().stream().mapToInt(Tensor::size).sum());
        assertEquals(Linear.class, net.layers().get(4).getClass());
    }

    @Test
    void layerISeededWithSeedPlusI() {
        Sequential net = MLP.of(new int[] {4, 8, 3}, Activation.RELU, 42);
        assertArrayEquals(new Linear(4, 8, 42).weight().toArray(), net.namedParameters().get("0.weight").toArray());
        assertArrayEquals(new Linear(8, 3, 43).weight().toArray(), net.namedParameters().get("2.weight").toArray());
        assertArrayEquals(MLP.of(new int[] {4, 8, 3}, Activation.RELU, 42).parameters().get(3).toArray(),
                net.parameters().get(3).toArray());
    }

    @Test
    void nestedSequentialNamesArePrefixed() {
        Sequential inner = new Sequential(new Linear(2, 2, 0), Activation.SIGMOID);
        Sequential outer = new Sequential(Activation.TANH, inner, new Linear(2, 1, 1));
        assertEquals(List.of("1.0.weight", "1.0.bias", "2.weight", "2.bias"), List.copyOf(outer.namedParameters().keySet()));
        assertEquals(4, outer.parameters().size());
    }

    @Test
    void forwardAppliesLayersInOrder() {
        Sequential net = new Sequential(Activation.RELU, Activation.SIGMOID);
        float[] y = net.forward(Tensor.of(new float[] {-5f, 0f}, 1, 2)).toArray();
        assertArrayEquals(new float[] {0.5f, 0.5f}, y, 1e-7f);
    }

    @Test
    void activationParse() {
        assertSame(Activation.RELU, Activation.parse(" ReLU "));
        assertSame(Activation.SIGMOID, Activation.parse("sigmoid"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Activation.parse("gelu"));
        assertEquals(true, e.getMessage().contains("'gelu'"), e.getMessage());
    }
}
