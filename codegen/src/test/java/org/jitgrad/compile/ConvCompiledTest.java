package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Conv2d;
import org.jitgrad.nn.Flatten;
import org.jitgrad.nn.Linear;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MaxPool2d;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolution and pooling compiled against the tape, as {@link OpCoverageTest} does for the other ops (loss =
 * Σ f(params)·R with a fixed random R), then a LeNet-shaped network with cross-entropy. The compiler lowers each op
 * to its own forward kernel, so this checks the kernels on the compiler's buffers (reused arena slots that hold old
 * values, weight gradients written straight into the gradient arrays) and the gradient rules applied to IR.
 */
class ConvCompiledTest {
    private static Tensor param(long seed, int... shape) {
        return Tensor.randn(seed, shape).requiresGrad();
    }

    /**
     * Values on a coarse grid (halves in [-2, 2]), so most max-pool windows hold ties: both engines must send each
     * window's gradient to the same (first) maximum. Not finite-differenced: a tie is a kink.
     */
    private static Tensor tied(long seed, int... shape) {
        float[] v = Tensor.uniform(seed, -2f, 2f, shape).toArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.round(v[i] * 2) / 2f;
        return Tensor.of(v, shape).requiresGrad();
    }

    record Case(String name, List<Tensor> params, Function<List<Tensor>, Tensor> op) {
        @Override
        public String toString() { return name; }
    }

    private static Arguments c(String name, List<Tensor> params, Function<List<Tensor>, Tensor> op) {
        return Arguments.of(new Case(name, params, op));
    }

    static Stream<Arguments> cases() {
        Tensor x = param(1, 2, 3, 7, 7), w = param(2, 5, 3, 3, 3), b = param(3, 5);
        Tensor ties = tied(9, 2, 3, 7, 7);
        Tensor wide = param(4, 1, 2, 7, 17), rect = param(5, 3, 2, 3, 5), w1 = param(6, 4, 5, 1, 1);
        return Stream.of(
                c("conv2d stride 1 padding 0", List.of(x, w, b), t -> t.get(0).conv2d(t.get(1), t.get(2), 1, 0)),
                c("conv2d stride 1 padding 1", List.of(x, w, b), t -> t.get(0).conv2d(t.get(1), t.get(2), 1, 1)),
                c("conv2d stride 2 padding 1", List.of(x, w, b), t -> t.get(0).conv2d(t.get(1), t.get(2), 2, 1)),
                c("conv2d stride 2 padding 2 no bias", List.of(x, w), t -> t.get(0).conv2d(t.get(1), null, 2, 2)),
                c("conv2d rectangular kernel on 7x17", List.of(wide, rect), t -> t.get(0).conv2d(t.get(1), null, 2, 1)),
                c("conv2d weight only (input not a parameter)", List.of(w), t -> Tensor.randn(7, 2, 3, 7, 7).conv2d(t.get(0), null, 1, 1)),
                c("conv2d input only (weight not a parameter)", List.of(x), t -> t.get(0).conv2d(Tensor.randn(8, 5, 3, 3, 3), null, 2, 0)),
                c("two convolutions, 1x1 then 3x3", List.of(x, w, w1),
                        t -> t.get(0).conv2d(t.get(1), null, 1, 1).tanh().conv2d(t.get(2), null, 1, 0)),
                c("maxPool2d 2/2", List.of(x), t -> t.get(0).maxPool2d(2, 2)),
                c("maxPool2d 3/1 overlapping", List.of(x), t -> t.get(0).maxPool2d(3, 1)),
                c("maxPool2d 2/3 on 7x17", List.of(wide), t -> t.get(0).maxPool2d(2, 3)),
                c("maxPool2d 2/2 with ties", List.of(ties), t -> t.get(0).maxPool2d(2, 2)),
                c("maxPool2d 3/1 overlapping with ties", List.of(ties), t -> t.get(0).maxPool2d(3, 1)),
                c("avgPool2d 2/2", List.of(x), t -> t.get(0).avgPool2d(2, 2)),
                c("avgPool2d 3/2 overlapping", List.of(wide), t -> t.get(0).avgPool2d(3, 2)),
                c("conv2d, relu, maxPool2d, avgPool2d", List.of(x, w, b),
                        t -> t.get(0).conv2d(t.get(1), t.get(2), 1, 1).relu().maxPool2d(2, 2).avgPool2d(2, 1)),
                c("pooled twice from one value", List.of(x), t -> t.get(0).maxPool2d(2, 2).add(t.get(0).avgPool2d(2, 2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compiledMatchesTape(Case c) {
        Tensor unused = Tensor.randn(99, 1);
        Tensor weights;
        try (org.jitgrad.tensor.NoGrad ignored = org.jitgrad.tensor.NoGrad.enter()) {
            weights = Tensor.randn(42, c.op().apply(c.params()).shape().dims());
        }
        TensorFn fn = in -> c.op().apply(c.params()).mul(weights).sum().add(in[0].mul(0f).sum());
        Engines.assertSameLossAndGradients(fn, c.params(), unused);
    }

    /** conv(1→6, 5x5, pad 2) relu pool conv(6→16, 5x5) relu pool flatten linear 400→120→84→10. */
    static Sequential leNet(long seed) {
        return new Sequential(
                new Conv2d(1, 6, 5, 1, 2, true, seed), Activation.RELU, new MaxPool2d(2),
                new Conv2d(6, 16, 5, 1, 0, true, seed + 1), Activation.RELU, new MaxPool2d(2),
                new Flatten(),
                new Linear(400, 120, seed + 2), Activation.RELU,
                new Linear(120, 84, seed + 3), Activation.RELU,
                new Linear(84, 10, seed + 4));
    }

    private static Tensor images(long seed, int batch) {
        return Tensor.uniform(seed, 0f, 1f, batch, 1, 28, 28);
    }

    @Test
    void leNetLossAndGradientsMatchTheTape() {
        Sequential net = leNet(10);
        Tensor labels = OpCoverageTest.labels(4, 10);
        TensorFn fn = in -> Losses.crossEntropy(net.forward(in[0]), labels);
        Engines.assertSameLossAndGradients(fn, net.parameters(), Engines.REL, 2, images(11, 4));
    }

    @Test
    void leNetTrainsTheSameCompiledAndOnTheTape() {
        Sequential tapeNet = leNet(20), compiledNet = leNet(20);
        Tensor labels = OpCoverageTest.labels(4, 10);
        Tensor x = images(21, 4);
        SGD tapeSgd = new SGD(tapeNet.parameters(), 0.05f, 0.9f);
        Compiled step = Compiled.trace(in -> Losses.crossEntropy(compiledNet.forward(in[0]), labels))
                .withOptimizer(new SGD(compiledNet.parameters(), 0.05f, 0.9f));
        float first = 0, last = 0;
        for (int i = 0; i < 5; i++) {
            tapeSgd.zeroGrad();
            Tensor loss = Losses.crossEntropy(tapeNet.forward(x), labels);
            float tapeLoss = loss.item();
            loss.backward();
            tapeSgd.step();
            float compiledLoss = step.run(x);
            Engines.assertClose("loss at step " + i, new float[] {tapeLoss}, new float[] {compiledLoss}, 1e-5);
            if (i == 0) first = compiledLoss;
            last = compiledLoss;
        }
        assertTrue(last < first, "five SGD steps on one batch should lower the loss: " + first + " -> " + last);
        for (int p = 0; p < tapeNet.parameters().size(); p++) {
            Engines.assertClose("parameter " + p + " after training", tapeNet.parameters().get(p).toArray(),
                    compiledNet.parameters().get(p).toArray(), 1e-5);
        }
    }
}
