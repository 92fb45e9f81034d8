package org.jitgrad.autograd;

import java.util.function.Function;
import java.util.stream.Stream;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of every one-input elementwise op, on odd shapes, away from kinks. */
class ElementwiseGradCheckTest {
    static Stream<int[]> shapes() {
        return Stream.of(new int[] {}, new int[] {1}, new int[] {7}, new int[] {17, 3}, new int[] {33}, new int[] {2, 3, 7});
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** name, op, input range low, high (an "away" op uses ±[low, high)). */
    static Stream<Arguments> cases() {
        Object[][] ops = {
            {"neg", (Function<Tensor, Tensor>) Tensor::neg, -2f, 2f},
            {"scale", (Function<Tensor, Tensor>) t -> t.mul(-1.5f), -2f, 2f},
            {"addConstant", (Function<Tensor, Tensor>) t -> t.add(0.25f), -2f, 2f},
            {"exp", (Function<Tensor, Tensor>) Tensor::exp, -2f, 2f},
            {"log", (Function<Tensor, Tensor>) Tensor::log, 0.5f, 3f},
            {"sqrt", (Function<Tensor, Tensor>) Tensor::sqrt, 0.5f, 3f},
            {"pow2", (Function<Tensor, Tensor>) t -> t.pow(2f), -2f, 2f},
            {"pow3", (Function<Tensor, Tensor>) t -> t.pow(3f), 0.5f, 2f},
            {"pow0.5", (Function<Tensor, Tensor>) t -> t.pow(0.5f), 0.5f, 2f},
            {"pow-1.5", (Function<Tensor, Tensor>) t -> t.pow(-1.5f), 0.5f, 2f},
            {"tanh", (Function<Tensor, Tensor>) Tensor::tanh, -2f, 2f},
            {"sigmoid", (Function<Tensor, Tensor>) Tensor::sigmoid, -3f, 3f},
            {"relu", (Function<Tensor, Tensor>) Tensor::relu, Float.NaN, Float.NaN},
        };
        return Stream.of(ops).flatMap(op -> shapes().map(s -> Arguments.of(op[0], op[1], op[2], op[3], s)));
    }

    @ParameterizedTest(name = "{0} {4}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(String name, Function<Tensor, Tensor> op, float lo, float hi, int[] shape) {
        int n = size(shape);
        float[] x = Float.isNaN(lo) ? Rand.awayFromZero(n, n, 0.1f, 2f) : Rand.uniform(n, n, lo, hi);
        GradCheck.check(name + " " + java.util.Arrays.toString(shape), in -> op.apply(in[0]), Tensor.of(x, shape));
    }

    /** {@code x^0} is constant: its gradient is zero everywhere, also at 0 (where {@code 0·0^-1} would be NaN), as PyTorch's. */
    @org.junit.jupiter.api.Test
    void powZeroHasZeroGradientAlsoAtZero() {
        Tensor x = Tensor.of(new float[] {0f, -0f, 2f, -3f}, 4).requiresGrad();
        x.pow(0f).mul(Tensor.of(new float[] {1f, 2f, 3f, 4f}, 4)).sum().backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[4], x.grad().toArray(), 0f,
                java.util.Arrays.toString(x.grad().toArray()));
    }

    @ParameterizedTest(name = "composite {0}")
    @MethodSource("shapes")
    void compositeExpression(int[] shape) {
        int n = size(shape);
        // sigmoid(x)·tanh(x) + exp(-x²)/sqrt(x²+1): every op, reused inputs
        GradCheck.check("composite", in -> {
            Tensor x = in[0];
            Tensor sq = x.mul(x);
            return x.sigmoid().mul(x.tanh()).add(sq.neg().exp().div(sq.add(1f).sqrt()));
        }, Tensor.of(Rand.uniform(n + 3, n, -2f, 2f), shape));
    }
}
