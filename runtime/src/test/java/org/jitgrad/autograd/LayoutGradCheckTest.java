package org.jitgrad.autograd;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of the layout ops: permute, transpose(a, b), slice, cat and split. */
class LayoutGradCheckTest {
    private static Tensor rand(long seed, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return Tensor.of(Rand.uniform(seed, n, -1f, 1f), shape);
    }

    static Stream<Arguments> permutations() {
        return Stream.of(
                Arguments.of(new int[] {7, 17}, new int[] {1, 0}),
                Arguments.of(new int[] {7, 17}, new int[] {-1, -2}),
                Arguments.of(new int[] {33}, new int[] {-1}),
                Arguments.of(new int[] {3, 5, 7}, new int[] {2, 0, 1}),
                Arguments.of(new int[] {3, 5, 7}, new int[] {0, 2, 1}),
                Arguments.of(new int[] {3, 5, 7}, new int[] {1, 0, -1}),
                Arguments.of(new int[] {3, 5, 7}, new int[] {0, 1, 2}),
                Arguments.of(new int[] {2, 3, 1, 7}, new int[] {0, 2, 1, 3}),
                Arguments.of(new int[] {2, 3, 5, 7}, new int[] {3, -2, 0, 1}),
                Arguments.of(new int[] {1, 17, 1, 7}, new int[] {-1, 0, 2, 1}),
                Arguments.of(new int[] {2, 1, 3, 17}, new int[] {0, 2, -1, 1}));
    }

    @ParameterizedTest(name = "{0} permute {1}")
    @MethodSource("permutations")
    void permute(int[] shape, int[] dims) {
        GradCheck.check("permute " + Arrays.toString(dims), in -> in[0].permute(dims), rand(1, shape));
        // applied to a computed value, and its gradient feeding another op's
        GradCheck.check("tanh, permute, mul", in -> in[0].tanh().permute(dims).mul(in[0].permute(dims)), rand(2, shape));
    }

    static Stream<Arguments> transposes() {
        return Stream.of(
                Arguments.of(new int[] {7, 17}, 0, 1),
                Arguments.of(new int[] {3, 5, 7}, 0, -1),
                Arguments.of(new int[] {3, 5, 7}, -2, -1),
                Arguments.of(new int[] {2, 3, 5, 7}, 1, 2),
                Arguments.of(new int[] {2, 3, 5, 7}, -1, -3),
                Arguments.of(new int[] {2, 1, 33, 1}, 1, 2),
                Arguments.of(new int[] {3, 5, 7}, 1, 1));
    }

    @ParameterizedTest(name = "{0} transpose({1}, {2})")
    @MethodSource("transposes")
    void transposeOfTwoAxes(int[] shape, int a, int b) {
        GradCheck.check("transpose(" + a + ", " + b + ")", in -> in[0].transpose(a, b), rand(3, shape));
    }

    static Stream<Arguments> slices() {
        return Stream.of(
                Arguments.of(new int[] {7, 17}, -1, 3, 10),
                Arguments.of(new int[] {7, 17}, 0, 0, 7),
                Arguments.of(new int[] {7, 17}, 0, 6, 7),
                Arguments.of(new int[] {7, 17}, 1, 5, 5),
                Arguments.of(new int[] {33}, 0, 1, 32),
                Arguments.of(new int[] {3, 5, 7}, 1, 1, 4),
                Arguments.of(new int[] {3, 5, 7}, -3, 2, 3),
                Arguments.of(new int[] {2, 3, 5, 7}, 2, 0, 1),
                Arguments.of(new int[] {2, 3, 5, 7}, -1, 2, 7));
    }

    @ParameterizedTest(name = "{0} slice({1}, {2}, {3})")
    @MethodSource("slices")
    void slice(int[] shape, int axis, int start, int end) {
        GradCheck.check("slice", in -> in[0].slice(axis, start, end), rand(4, shape));
        // two overlapping slices of one tensor: their gradients add up where they overlap
        GradCheck.check("slice twice", in -> in[0].slice(axis, start, end).mul(in[0].slice(axis, start, end).exp()),
                rand(5, shape));
    }

    @Test
    void overlappingSlicesOfDifferentRanges() {
        GradCheck.check("overlapping ranges", in -> in[0].slice(1, 0, 10).mul(in[0].slice(-1, 7, 17)), rand(6, 7, 17));
    }

    static Stream<Arguments> cats() {
        return Stream.of(
                Arguments.of(-1, List.of(new int[] {3, 5}, new int[] {3, 2}, new int[] {3, 1})),
                Arguments.of(0, List.of(new int[] {1, 7}, new int[] {17, 7})),
                Arguments.of(1, List.of(new int[] {2, 3, 7}, new int[] {2, 1, 7}, new int[] {2, 0, 7}, new int[] {2, 5, 7})),
                Arguments.of(-4, List.of(new int[] {1, 3, 5, 7}, new int[] {2, 3, 5, 7})),
                Arguments.of(0, List.of(new int[] {33})),
                Arguments.of(3, List.of(new int[] {2, 1, 3, 7}, new int[] {2, 1, 3, 17})));
    }

    @ParameterizedTest(name = "cat axis {0}")
    @MethodSource("cats")
    void cat(int axis, List<int[]> shapes) {
        Tensor[] parts = new Tensor[shapes.size()];
        for (int i = 0; i < parts.length; i++) parts[i] = rand(10 + i, shapes.get(i));
        GradCheck.check("cat", in -> Tensor.cat(axis, in), parts);
        GradCheck.check("cat of computed parts", in -> {
            Tensor[] t = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) t[i] = in[i].mul(i + 1f).tanh();
            return Tensor.cat(axis, t).exp();
        }, parts);
    }

    @Test
    void catOfOneTensorWithItself() {
        GradCheck.check("cat(x, x)", in -> Tensor.cat(-1, in[0], in[0].mul(2f), in[0]), rand(20, 7, 17));
    }

    static Stream<Arguments> splits() {
        return Stream.of(
                Arguments.of(new int[] {7, 17}, 5, -1),
                Arguments.of(new int[] {7, 17}, 7, 0),
                Arguments.of(new int[] {7, 17}, 100, 1),
                Arguments.of(new int[] {33}, 1, 0),
                Arguments.of(new int[] {3, 5, 7}, 2, -2),
                Arguments.of(new int[] {2, 3, 5, 7}, 3, 3));
    }

    @ParameterizedTest(name = "{0} split({1}, {2})")
    @MethodSource("splits")
    void split(int[] shape, int size, int axis) {
        // every chunk scaled by its own factor, joined back in reverse order: each chunk's gradient is distinct
        Function<Tensor[], Tensor> fn = in -> {
            List<Tensor> chunks = in[0].split(size, axis);
            Tensor[] reversed = new Tensor[chunks.size()];
            for (int i = 0; i < reversed.length; i++) reversed[reversed.length - 1 - i] = chunks.get(i).mul(i + 1f);
            return Tensor.cat(axis, reversed);
        };
        GradCheck.check("split", fn, rand(30, shape));
        GradCheck.check("one chunk of a split", in -> in[0].split(size, axis).get(0).sigmoid(), rand(31, shape));
    }
}
