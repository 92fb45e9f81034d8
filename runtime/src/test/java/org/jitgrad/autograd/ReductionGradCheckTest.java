package org.jitgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.stream.Stream;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of sum, mean and max, over all elements and over every axis. */
class ReductionGradCheckTest {
    static Stream<int[]> shapes() {
        return Stream.of(new int[] {7}, new int[] {1, 17}, new int[] {3, 5, 7}, new int[] {2, 1, 3, 5});
    }

    static Stream<Arguments> axes() {
        return shapes().flatMap(s -> {
            Stream.Builder<Arguments> b = Stream.builder();
            for (int ax = -1; ax < s.length; ax++) {
                b.add(Arguments.of(s, ax, false));
                b.add(Arguments.of(s, ax, true));
            }
            return b.build();
        });
    }

    private static Tensor input(int[] shape, long seed) {
        int n = 1;
        for (int d : shape) n *= d;
        return Tensor.of(Rand.uniform(seed, n, -2f, 2f), shape);
    }

    /** Distinct values 0.05 apart: no ties, so max is differentiable at every element. */
    private static Tensor distinct(int[] shape, long seed) {
        int n = 1;
        for (int d : shape) n *= d;
        return Tensor.of(Rand.distinct(seed, n, 0.05f, -n * 0.025f), shape);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void sumAndMeanOfAll(int[] shape) {
        GradCheck.check("sum", in -> in[0].sum(), input(shape, 1));
        GradCheck.check("mean", in -> in[0].mean(), input(shape, 2));
        GradCheck.check("sum·sum", in -> in[0].sum().mul(in[0].sum()), input(shape, 3));
    }

    @ParameterizedTest(name = "{0} axis {1} keepDim {2}")
    @MethodSource("axes")
    void sumMeanAndMaxAlongAnAxis(int[] shape, int axis, boolean keepDim) {
        GradCheck.check("sum axis " + axis, in -> in[0].sum(axis, keepDim), input(shape, 4));
        GradCheck.check("mean axis " + axis, in -> in[0].mean(axis, keepDim), input(shape, 5));
        GradCheck.check("max axis " + axis, in -> in[0].max(axis, keepDim), distinct(shape, 6));
        // the reduced value reused downstream, so gradients from two paths meet
        GradCheck.check("x·max(x) axis " + axis,
                in -> in[0].max(axis, true).mul(in[0].sum(axis, true)), distinct(shape, 7));
    }

    @Test
    void maxGradientIsRoutedToTheArgMax() {
        Tensor x = Tensor.of(new float[] {1, 9, 3, 7, 2, 8}, 2, 3).requiresGrad();
        x.max(1).backward(Tensor.of(new float[] {10, 20}, 2));
        assertArrayEquals(new float[] {0, 10, 0, 0, 0, 20}, x.grad().toArray());
        Tensor y = Tensor.of(new float[] {1, 9, 3, 7, 2, 8}, 2, 3).requiresGrad();
        y.max(0).backward(Tensor.of(new float[] {1, 2, 3}, 3));
        assertArrayEquals(new float[] {0, 2, 0, 1, 0, 3}, y.grad().toArray());
    }

    @Test
    void maxTieGoesToTheFirstArgMax() {
        Tensor x = Tensor.of(new float[] {5, 1, 5, 2, 2, 2}, 2, 3).requiresGrad();
        x.max(-1).sum().backward();
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0}, x.grad().toArray());
    }

    @Test
    void forwardValues() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {21}, x.sum().toArray());
        assertArrayEquals(new float[] {5, 7, 9}, x.sum(0, false).toArray());
        assertArrayEquals(new int[] {2, 1}, x.sum(1, true).shape().dims());
        assertArrayEquals(new float[] {6, 15}, x.sum(1, true).toArray());
        assertArrayEquals(new float[] {2, 5}, x.mean(-1, false).toArray());
        assertArrayEquals(new float[] {3.5f}, x.mean().toArray());
        assertArrayEquals(new float[] {4, 5, 6}, x.max(0).toArray());
    }
}
