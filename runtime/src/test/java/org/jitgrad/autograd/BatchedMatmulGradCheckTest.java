package org.jitgrad.autograd;

import java.util.Arrays;
import java.util.stream.Stream;
import org.jitgrad.ops.LinalgOp;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference checks of batched matmul: broadcast batch dimensions on either side (their gradient summed back),
 * the single-GEMM forms for a shared 2-D right operand, and the transposed operand flags the gradient rules use.
 */
class BatchedMatmulGradCheckTest {
    private static Tensor rand(long seed, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return Tensor.of(Rand.uniform(seed, n, -1f, 1f), shape);
    }

    /** The operands' logical shapes (before any transposed storage). */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new int[] {3, 7, 5}, new int[] {5, 4}),
                Arguments.of(new int[] {2, 3, 7, 5}, new int[] {5, 1}),
                Arguments.of(new int[] {1, 17, 3}, new int[] {3, 7}),
                Arguments.of(new int[] {5, 7}, new int[] {3, 7, 4}),
                Arguments.of(new int[] {3, 7, 5}, new int[] {3, 5, 4}),
                Arguments.of(new int[] {2, 3, 7, 5}, new int[] {2, 3, 5, 4}),
                Arguments.of(new int[] {2, 1, 7, 5}, new int[] {3, 5, 4}),
                Arguments.of(new int[] {3, 7, 5}, new int[] {2, 1, 5, 4}),
                Arguments.of(new int[] {1, 3, 1, 5}, new int[] {2, 1, 5, 17}),
                Arguments.of(new int[] {2, 1, 1, 7}, new int[] {1, 7, 1}),
                Arguments.of(new int[] {3, 7, 1}, new int[] {1, 33}));
    }

    static Stream<Arguments> cases() {
        return shapes().flatMap(s -> Stream.of(
                Arguments.of(s.get()[0], s.get()[1], false, false),
                Arguments.of(s.get()[0], s.get()[1], true, false),
                Arguments.of(s.get()[0], s.get()[1], false, true),
                Arguments.of(s.get()[0], s.get()[1], true, true)));
    }

    /** {@code shape} with its last two dimensions swapped: how an operand is stored when its trans flag is set. */
    static int[] stored(int[] shape, boolean trans) {
        int[] s = shape.clone();
        if (trans) {
            s[s.length - 1] = shape[shape.length - 2];
            s[s.length - 2] = shape[shape.length - 1];
        }
        return s;
    }

    @ParameterizedTest(name = "{0} x {1} transA={2} transB={3}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(int[] a, int[] b, boolean transA, boolean transB) {
        OpParams.Transposes flags = new OpParams.Transposes(transA, transB);
        GradCheck.check("matmul " + Arrays.toString(a) + " x " + Arrays.toString(b) + " " + flags,
                in -> Eager.apply(LinalgOp.MATMUL, flags, in[0], in[1]),
                rand(1, stored(a, transA)), rand(2, stored(b, transB)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void throughTensorApiAndTransposes(int[] a, int[] b) {
        GradCheck.check("matmul", in -> in[0].matmul(in[1]), rand(3, a), rand(4, b));
        // the second operand stored transposed and transposed back by transpose(-2, -1)
        GradCheck.check("matmul of a transpose", in -> in[0].matmul(in[1].transpose(-2, -1)).tanh(),
                rand(5, a), rand(6, stored(b, true)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void sameOperandOnBothSides(int[] a, int[] b) {
        // x · xᵀ over the batch: both gradients land on one tensor
        GradCheck.check("x xᵀ", in -> in[0].matmul(in[0].transpose(-2, -1)), rand(7, a));
    }
}
