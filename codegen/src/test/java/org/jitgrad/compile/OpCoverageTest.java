package org.jitgrad.compile;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jitgrad.nn.Losses;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op, compiled against the tape: loss = Σ op(params)·R with a fixed random R, so every output
 * element's gradient is distinct. Odd sizes exercise the vector tails.
 */
class OpCoverageTest {
    private static Tensor param(long seed, int... shape) {
        return Tensor.randn(seed, shape).requiresGrad();
    }

    private static Tensor positive(long seed, int... shape) {
        float[] v = Tensor.uniform(seed, 0.5f, 2f, shape).toArray();
        return Tensor.of(v, shape).requiresGrad();
    }

    record Case(String name, List<Tensor> params, Function<List<Tensor>, Tensor> op) {
        @Override
        public String toString() { return name; }
    }

    static Stream<Arguments> cases() {
        Tensor a = param(1, 7, 17), b = param(2, 7, 17), row = param(3, 17), row2 = param(4, 1, 17), s = param(5);
        Tensor p = positive(6, 7, 17), q = positive(7, 7, 17);
        Tensor m1 = param(8, 7, 33), m2 = param(9, 33, 3);
        Tensor r3 = param(10, 3, 5, 7);
        return Stream.of(
                c("add", List.of(a, b), t -> t.get(0).add(t.get(1))),
                c("add row right", List.of(a, row), t -> t.get(0).add(t.get(1))),
                c("add row [1,n] left", List.of(row2, a), t -> t.get(0).add(t.get(1))),
                c("add scalar", List.of(a, s), t -> t.get(0).add(t.get(1))),
                c("sub", List.of(a, b), t -> t.get(0).sub(t.get(1))),
                c("sub row left", List.of(row, a), t -> t.get(0).sub(t.get(1))),
                c("sub scalar left", List.of(s, a), t -> t.get(0).sub(t.get(1))),
                c("mul", List.of(a, b), t -> t.get(0).mul(t.get(1))),
                c("mul row", List.of(a, row), t -> t.get(0).mul(t.get(1))),
                c("mul scalar left", List.of(s, a), t -> t.get(0).mul(t.get(1))),
                c("mul self", List.of(a), t -> t.get(0).mul(t.get(0))),
                c("div", List.of(a, p), t -> t.get(0).div(t.get(1))),
                c("div scalar left", List.of(s, p), t -> t.get(0).div(t.get(1))),
                c("div row right", List.of(p, positive(11, 17)), t -> t.get(0).div(t.get(1))),
                c("maximum", List.of(a, b), t -> t.get(0).maximum(t.get(1))),
                c("maximum row", List.of(a, row), t -> t.get(0).maximum(t.get(1))),
                c("maximum scalar left", List.of(s, a), t -> t.get(0).maximum(t.get(1))),
                c("neg", List.of(a), t -> t.get(0).neg()),
                c("scale", List.of(a), t -> t.get(0).mul(-2.5f)),
                c("add constant", List.of(a), t -> t.get(0).add(3f)),
                c("exp", List.of(a), t -> t.get(0).exp()),
                c("log", List.of(p), t -> t.get(0).log()),
                c("sqrt", List.of(p), t -> t.get(0).sqrt()),
                c("pow 3", List.of(p), t -> t.get(0).pow(3f)),
                c("pow 2", List.of(a), t -> t.get(0).pow(2f)),
                c("pow -0.5", List.of(q), t -> t.get(0).pow(-0.5f)),
                c("tanh", List.of(a), t -> t.get(0).tanh()),
                c("sigmoid", List.of(a), t -> t.get(0).sigmoid()),
                c("relu", List.of(a), t -> t.get(0).relu()),
                c("matmul", List.of(m1, m2), t -> t.get(0).matmul(t.get(1))),
                c("transpose", List.of(a), t -> t.get(0).transpose()),
                c("reshape", List.of(r3), t -> t.get(0).reshape(15, 7)),
                c("sum", List.of(a), t -> t.get(0).sum()),
                c("sum axis 0", List.of(r3), t -> t.get(0).sum(0, false)),
                c("sum axis 1 keepDim", List.of(r3), t -> t.get(0).sum(1, true)),
                c("sum axis -1", List.of(r3), t -> t.get(0).sum(-1, false)),
                c("mean", List.of(a), t -> t.get(0).mean()),
                c("mean axis 1", List.of(r3), t -> t.get(0).mean(1, false)),
                c("max axis 0", List.of(r3), t -> t.get(0).max(0)),
                c("max axis 2 keepDim", List.of(r3), t -> t.get(0).max(2, true)),
                c("softmax last", List.of(a), t -> t.get(0).softmax(-1)),
                c("softmax axis 0", List.of(a), t -> t.get(0).softmax(0)),
                c("softmax middle of rank 3", List.of(r3), t -> t.get(0).softmax(1)),
                c("logSoftmax last", List.of(a), t -> t.get(0).logSoftmax(1)),
                c("logSoftmax axis 0", List.of(r3), t -> t.get(0).logSoftmax(0)),
                c("mse", List.of(a, b), t -> Losses.mse(t.get(0), t.get(1))),
                c("crossEntropy", List.of(a), t -> Losses.crossEntropy(t.get(0), labels(7, 17))),
                c("chain", List.of(a, row), t -> t.get(0).add(t.get(1)).tanh().mul(t.get(0)).sigmoid().sub(t.get(0).exp().mul(0.1f))));
    }

    private static Arguments c(String name, List<Tensor> params, Function<List<Tensor>, Tensor> op) {
        return Arguments.of(new Case(name, params, op));
    }

    static Tensor labels(int batch, int classes) {
        float[] l = new float[batch];
        for (int i = 0; i < batch; i++) l[i] = (i * 5 + 3) % classes;
        return Tensor.of(l, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compiledMatchesTape(Case c) {
        Tensor x = Tensor.randn(99, 1);  // the function's input is unused by most cases: parameters carry the data
        TensorFn fn = in -> {
            Tensor out = c.op().apply(c.params());
            if (out.size() == 1) return out.add(in[0].mul(0f)).sum();
            Tensor weights = Tensor.randn(42, out.shape().dims());
            return out.mul(weights).sum().add(in[0].mul(0f).sum());
        };
        Engines.assertSameLossAndGradients(fn, c.params(), x);
    }
}
