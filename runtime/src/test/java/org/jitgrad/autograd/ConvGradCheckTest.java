package org.jitgrad.autograd;

import java.util.stream.Stream;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of convolution and pooling, through input, weight and bias. */
class ConvGradCheckTest {
    private static Tensor uniform(long seed, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return Tensor.of(Rand.uniform(seed, n, -1f, 1f), shape);
    }

    /**
     * Distinct values 0.05 apart (far beyond the finite-difference step), so no window of a max pool has a tie or
     * changes its maximum under a perturbation.
     */
    private static Tensor distinct(long seed, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return Tensor.of(Rand.distinct(seed, n, 0.05f, -0.025f * n), shape);
    }

    static Stream<Arguments> strideAndPadding() {
        return Stream.of(1, 2).flatMap(s -> Stream.of(0, 1, 2).map(p -> Arguments.of(s, p)));
    }

    @ParameterizedTest(name = "stride {0} padding {1}")
    @MethodSource("strideAndPadding")
    void conv2dBatchOf2ThreeChannelsToFive(int stride, int padding) {
        GradCheck.check("conv2d [2,3,7,7] * [5,3,3,3] stride " + stride + " padding " + padding,
                in -> in[0].conv2d(in[1], in[2], stride, padding),
                uniform(1, 2, 3, 7, 7), uniform(2, 5, 3, 3, 3), uniform(3, 5));
    }

    @ParameterizedTest(name = "stride {0} padding {1}")
    @MethodSource("strideAndPadding")
    void conv2dWithoutBias(int stride, int padding) {
        GradCheck.check("conv2d [2,3,7,7] * [5,3,3,3] without bias", in -> in[0].conv2d(in[1], null, stride, padding),
                uniform(4, 2, 3, 7, 7), uniform(5, 5, 3, 3, 3));
    }

    static Stream<Arguments> otherGeometries() {
        return Stream.of(
                Arguments.of("1x1 image, 1x1 kernel", new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1}, 1, 0),
                Arguments.of("1x1 image padded by 1", new int[] {2, 1, 1, 1}, new int[] {3, 1, 3, 3}, 1, 1),
                Arguments.of("kernel as large as the image", new int[] {2, 3, 7, 7}, new int[] {5, 3, 7, 7}, 1, 0),
                Arguments.of("rectangular kernel on a 7x17 image", new int[] {1, 2, 7, 17}, new int[] {3, 2, 3, 5}, 2, 1),
                Arguments.of("stride skipping the last rows", new int[] {2, 1, 7, 7}, new int[] {2, 1, 2, 2}, 3, 0),
                Arguments.of("33 wide, 1x1 kernel, stride 2", new int[] {1, 3, 1, 33}, new int[] {2, 3, 1, 1}, 2, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherGeometries")
    void conv2dOtherGeometries(String name, int[] x, int[] w, int stride, int padding) {
        GradCheck.check("conv2d " + name, in -> in[0].conv2d(in[1], in[2], stride, padding),
                uniform(6, x), uniform(7, w), uniform(8, w[0]));
    }

    static Stream<Arguments> windows() {
        return Stream.of(
                Arguments.of(new int[] {2, 3, 7, 7}, 2, 2),   // the last row and column fall outside every window
                Arguments.of(new int[] {2, 3, 7, 7}, 3, 2),   // overlapping
                Arguments.of(new int[] {2, 3, 7, 7}, 3, 1),
                Arguments.of(new int[] {2, 3, 7, 7}, 7, 7),   // one window per plane
                Arguments.of(new int[] {1, 2, 7, 17}, 1, 1),
                Arguments.of(new int[] {1, 2, 7, 17}, 2, 3),
                Arguments.of(new int[] {1, 1, 1, 33}, 1, 2));
    }

    @ParameterizedTest(name = "{0} kernel {1} stride {2}")
    @MethodSource("windows")
    void maxPool2d(int[] shape, int kernel, int stride) {
        GradCheck.check("maxPool2d kernel " + kernel + " stride " + stride, in -> in[0].maxPool2d(kernel, stride),
                distinct(9, shape));
    }

    @ParameterizedTest(name = "{0} kernel {1} stride {2}")
    @MethodSource("windows")
    void avgPool2d(int[] shape, int kernel, int stride) {
        GradCheck.check("avgPool2d kernel " + kernel + " stride " + stride, in -> in[0].avgPool2d(kernel, stride),
                uniform(10, shape));
    }

    @Test
    void convReluPoolChain() {
        GradCheck.check("conv2d, relu, maxPool2d, avgPool2d",
                in -> in[0].conv2d(in[1], in[2], 1, 1).relu().maxPool2d(2, 2).avgPool2d(2, 1),
                distinct(11, 2, 3, 7, 7), uniform(12, 4, 3, 3, 3), uniform(13, 4));
    }
}
