package org.jitgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.function.BinaryOperator;
import java.util.stream.Stream;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of every binary op in every supported broadcast form. */
class BroadcastGradCheckTest {
    /** Pairs of shapes: equal, scalar right/left, row [n] and [1,n] right/left, over rank 2 and 3. */
    static Stream<int[][]> forms() {
        return Stream.of(
                new int[][] {{7, 17}, {7, 17}},
                new int[][] {{33}, {33}},
                new int[][] {{1}, {1}},
                new int[][] {{7, 17}, {}},
                new int[][] {{7, 17}, {1}},
                new int[][] {{}, {7, 17}},
                new int[][] {{1, 1}, {3, 7}},
                new int[][] {{7, 17}, {17}},
                new int[][] {{7, 17}, {1, 17}},
                new int[][] {{17}, {7, 17}},
                new int[][] {{1, 17}, {7, 17}},
                new int[][] {{3, 5, 7}, {7}},
                new int[][] {{1, 7}, {3, 5, 7}},
                new int[][] {{1, 7}, {7}});
    }

    static Stream<Arguments> cases() {
        Object[][] ops = {
            {"add", (BinaryOperator<Tensor>) Tensor::add},
            {"sub", (BinaryOperator<Tensor>) Tensor::sub},
            {"mul", (BinaryOperator<Tensor>) Tensor::mul},
            {"div", (BinaryOperator<Tensor>) Tensor::div},
            {"maximum", (BinaryOperator<Tensor>) Tensor::maximum},
        };
        return Stream.of(ops).flatMap(op -> forms().map(f -> Arguments.of(op[0], op[1], f[0], f[1])));
    }

    private static int size(int[] s) {
        int n = 1;
        for (int d : s) n *= d;
        return n;
    }

    @ParameterizedTest(name = "{0} {2} {3}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(String name, BinaryOperator<Tensor> op, int[] sa, int[] sb) {
        int na = size(sa), nb = size(sb);
        float[] a, b;
        if (name.equals("maximum")) {
            // a on the grid 0.1k + 0.05, b on 0.1k: never closer than 0.05, far beyond the step
            a = Rand.uniform(na, na, -2f, 2f);
            b = Rand.uniform(nb + 1, nb, -2f, 2f);
            for (int i = 0; i < na; i++) a[i] = Math.round(a[i] * 10f) / 10f + 0.05f;
            for (int i = 0; i < nb; i++) b[i] = Math.round(b[i] * 10f) / 10f;
        } else {
            a = Rand.uniform(na, na, -2f, 2f);
            b = name.equals("div") ? Rand.awayFromZero(nb + 1, nb, 0.5f, 2f) : Rand.uniform(nb + 1, nb, -2f, 2f);
        }
        GradCheck.check(name + " " + Arrays.toString(sa) + " " + Arrays.toString(sb),
                in -> op.apply(in[0], in[1]), Tensor.of(a, sa), Tensor.of(b, sb));
    }

    @Test
    void maximumTieSendsTheWholeGradientToTheFirstInput() {
        Tensor a = Tensor.of(new float[] {1f, 2f, 3f, -1f}, 4).requiresGrad();
        Tensor b = Tensor.of(new float[] {1f, 0f, 3f, 5f}, 4).requiresGrad();
        a.maximum(b).backward(Tensor.of(new float[] {1f, 2f, 3f, 4f}, 4));
        assertArrayEquals(new float[] {1f, 2f, 3f, 0f}, a.grad().toArray());
        assertArrayEquals(new float[] {0f, 0f, 0f, 4f}, b.grad().toArray());
    }

    @Test
    void maximumTieRuleWithAScalarOnEitherSide() {
        Tensor s = Tensor.scalar(2f).requiresGrad();
        Tensor v = Tensor.of(new float[] {2f, 1f, 3f}, 3).requiresGrad();
        s.maximum(v).sum().backward();
        assertEquals(2f, s.grad().item(), "ties and wins both go to the scalar, the first input");
        assertArrayEquals(new float[] {0f, 0f, 1f}, v.grad().toArray());

        Tensor s2 = Tensor.scalar(2f).requiresGrad();
        Tensor v2 = Tensor.of(new float[] {2f, 1f, 3f}, 3).requiresGrad();
        v2.maximum(s2).sum().backward();
        assertArrayEquals(new float[] {1f, 0f, 1f}, v2.grad().toArray(), "now the vector is first: it gets the tie");
        assertEquals(1f, s2.grad().item());
    }

    @Test
    void broadcastForwardValues() {
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor row = Tensor.of(new float[] {10, 20, 30}, 3);
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, m.add(row).toArray());
        assertArrayEquals(new float[] {9, 18, 27, 6, 15, 24}, row.sub(m).toArray());
        assertArrayEquals(new float[] {-1, 0, 1, 2, 3, 4}, m.sub(Tensor.scalar(2f)).toArray());
        assertArrayEquals(new float[] {1, 0, -1, -2, -3, -4}, Tensor.scalar(2f).sub(m).toArray());
        assertArrayEquals(new float[] {12, 6, 4, 3, 2.4f, 2}, Tensor.of(new float[] {12}, 1).div(m).toArray());
        assertArrayEquals(new int[] {2, 3}, row.reshape(1, 3).mul(m).shape().dims());
    }
}
