package org.jitgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference checks of softmax and log-softmax on several axes. */
class SoftmaxGradCheckTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new int[] {7}, 0), Arguments.of(new int[] {1, 17}, 1), Arguments.of(new int[] {4, 33}, -1),
                Arguments.of(new int[] {4, 33}, 0), Arguments.of(new int[] {3, 5, 7}, 0), Arguments.of(new int[] {3, 5, 7}, 1),
                Arguments.of(new int[] {3, 5, 7}, 2), Arguments.of(new int[] {3, 1, 7}, 1));
    }

    @ParameterizedTest(name = "{0} axis {1}")
    @MethodSource("cases")
    void softmaxAndLogSoftmax(int[] shape, int axis) {
        int n = 1;
        for (int d : shape) n *= d;
        Tensor x = Tensor.of(Rand.uniform(n, n, -3f, 3f), shape);
        GradCheck.check("softmax axis " + axis, in -> in[0].softmax(axis), x);
        GradCheck.check("logSoftmax axis " + axis, in -> in[0].logSoftmax(axis), x);
    }

    @Test
    void softmaxRowsSumToOne() {
        Tensor y = Tensor.of(Rand.uniform(3, 3 * 5 * 7, -3f, 3f), 3, 5, 7).softmax(1);
        float[] s = y.sum(1, false).toArray();
        for (float v : s) assertEquals(1f, v, 1e-6f);
    }
}
