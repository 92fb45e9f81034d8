package org.jitgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of the losses, alone and at the end of a small network. */
class LossGradCheckTest {
    static Stream<int[]> mseShapes() {
        return Stream.of(new int[] {1}, new int[] {17}, new int[] {7, 3}, new int[] {2, 3, 5});
    }

    @ParameterizedTest
    @MethodSource("mseShapes")
    void mse(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        GradCheck.check("mse", in -> Losses.mse(in[0], in[1]),
                Tensor.of(Rand.uniform(n, n, -2f, 2f), shape), Tensor.of(Rand.uniform(n + 1, n, -2f, 2f), shape));
    }

    static Stream<Arguments> ceShapes() {
        return Stream.of(Arguments.of(1, 3), Arguments.of(7, 5), Arguments.of(5, 33), Arguments.of(17, 2), Arguments.of(3, 1));
    }

    @ParameterizedTest(name = "batch {0} classes {1}")
    @MethodSource("ceShapes")
    void crossEntropy(int batch, int classes) {
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) labels[i] = (i * 7) % classes;
        Tensor y = Tensor.of(labels, batch);
        GradCheck.check("crossEntropy", in -> Losses.crossEntropy(in[0], y),
                Tensor.of(Rand.uniform(batch * classes, batch * classes, -3f, 3f), batch, classes));
        // scaled upstream: the fused gradient must use the upstream value
        GradCheck.check("3·crossEntropy", in -> Losses.crossEntropy(in[0], y).mul(3f),
                Tensor.of(Rand.uniform(batch * classes + 1, batch * classes, -3f, 3f), batch, classes));
    }

    @Test
    void crossEntropyValueByHand() {
        Tensor logits = Tensor.of(new float[] {1f, 2f, 3f, 0f, 0f, 0f}, 2, 3);
        float loss = Losses.crossEntropy(logits, Tensor.of(new float[] {2f, 0f}, 2)).item();
        double row0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
        double row1 = Math.log(3);
        assertEquals((row0 + row1) / 2, loss, 1e-6);
    }

    @Test
    void crossEntropyAgreesWithLogSoftmaxComposition() {
        Tensor logits = Tensor.of(Rand.uniform(1, 4 * 6, -3f, 3f), 4, 6);
        Tensor labels = Tensor.of(new float[] {5, 0, 2, 2}, 4);
        float fused = Losses.crossEntropy(logits, labels).item();
        float[] ls = logits.logSoftmax(1).toArray();
        double manual = 0;
        for (int r = 0; r < 4; r++) manual -= ls[r * 6 + (int) labels.toArray()[r]];
        assertEquals(manual / 4, fused, 1e-5);
    }

    @Test
    void smallNetworkEndToEnd() {
        Sequential net = MLP.of(new int[] {5, 7, 3}, Activation.TANH, 11);
        Tensor x = Tensor.of(Rand.uniform(2, 4 * 5, -1f, 1f), 4, 5);
        Tensor y = Tensor.of(new float[] {0, 2, 1, 2}, 4);
        var params = net.parameters();
        // check w.r.t. the input and all weights: f(x, W1, b1, W2, b2)
        GradCheck.check("mlp", in -> {
            Tensor h = in[0].matmul(in[1]).add(in[2]).tanh();
            return Losses.crossEntropy(h.matmul(in[3]).add(in[4]), y);
        }, x, params.get(0), params.get(1), params.get(2), params.get(3));
        // and the module computes the same function
        Tensor viaModule = Losses.crossEntropy(net.forward(x), y);
        Tensor manual = Losses.crossEntropy(
                x.matmul(params.get(0)).add(params.get(1)).tanh().matmul(params.get(2)).add(params.get(3)), y);
        assertEquals(manual.item(), viaModule.item(), 0f);
    }
}
