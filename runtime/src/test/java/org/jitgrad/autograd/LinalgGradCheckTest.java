package org.jitgrad.autograd;

import static org.jitgrad.testing.Approx.assertRel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.stream.Stream;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Matmul (through {@link Tensor#matmul} only), transpose and reshape. */
class LinalgGradCheckTest {
    static Stream<Arguments> sizes() {
        return Stream.of(Arguments.of(7, 17, 3), Arguments.of(1, 7, 1), Arguments.of(33, 1, 5), Arguments.of(3, 33, 17),
                Arguments.of(1, 1, 1));
    }

    private static Tensor rand(long seed, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return Tensor.of(Rand.uniform(seed, n, -1f, 1f), shape);
    }

    @ParameterizedTest(name = "{0}x{1} · {1}x{2}")
    @MethodSource("sizes")
    void matmulForwardMatchesTheDefinition(int m, int k, int n) {
        Tensor a = rand(1, m, k), b = rand(2, k, n);
        float[] av = a.toArray(), bv = b.toArray();
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) av[i * k + p] * bv[p * n + j];
                expected[i * n + j] = (float) s;
            }
        }
        Tensor c = a.matmul(b);
        assertArrayEquals(new int[] {m, n}, c.shape().dims());
        assertRel(expected, c.toArray(), 1e-5, 1e-5, "matmul");
    }

    @ParameterizedTest(name = "{0}x{1} · {1}x{2}")
    @MethodSource("sizes")
    void matmulGradients(int m, int k, int n) {
        GradCheck.check("matmul", in -> in[0].matmul(in[1]), rand(3, m, k), rand(4, k, n));
        // through transposes on both sides: Aᵀ is [k,m] stored, Bᵀ is [n,k] stored
        GradCheck.check("matmul of transposes", in -> in[0].transpose().matmul(in[1].transpose()), rand(5, k, m), rand(6, n, k));
        // a product whose output feeds another product: gradients of gradients' shapes must line up
        GradCheck.check("chain", in -> in[0].matmul(in[1]).transpose().matmul(in[0]), rand(7, m, k), rand(8, k, m));
    }

    @Test
    void transposeForwardAndGradient() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, x.transpose().toArray());
        assertArrayEquals(new int[] {3, 2}, x.transpose().shape().dims());
        GradCheck.check("transpose", in -> in[0].transpose(), rand(9, 7, 17));
        GradCheck.check("transpose·x", in -> in[0].transpose().mul(in[1]), rand(10, 7, 17), rand(11, 17, 7));
    }

    @Test
    void reshapeForwardAndGradient() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(x.toArray(), x.reshape(3, 2).toArray());
        GradCheck.check("reshape", in -> in[0].reshape(3, 14), rand(12, 6, 7));
        GradCheck.check("reshape then row-broadcast",
                in -> in[0].reshape(14, 3).mul(in[1]), rand(13, 6, 7), rand(14, 3));
        GradCheck.check("reshape to rank 4 and back", in -> in[0].reshape(1, 2, 3, 7).sum(2, false).reshape(14), rand(15, 42));
    }
}
