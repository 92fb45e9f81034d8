package org.jitgrad.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jitgrad.autograd.Eager;
import org.jitgrad.kernels.Gemm;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batched matmul's values against a naive triple loop over the broadcast batch (every transpose flag, the single-GEMM
 * form, batches dealt out to threads, empty sizes), and the shape of its gradient rule: a shared 2-D weight gets its
 * gradient from one 2-D product, not a sum of per-batch products.
 */
class BatchedMatmulTest {
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new int[] {2, 3, 4}, new int[] {4, 5}, new int[] {2, 3, 5}),
                Arguments.of(new int[] {2, 3, 7, 17}, new int[] {17, 1}, new int[] {2, 3, 7, 1}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {2, 4, 5}, new int[] {2, 3, 5}),
                Arguments.of(new int[] {3, 4}, new int[] {2, 4, 5}, new int[] {2, 3, 5}),
                Arguments.of(new int[] {2, 1, 3, 4}, new int[] {3, 4, 5}, new int[] {2, 3, 3, 5}),
                Arguments.of(new int[] {1, 3, 7, 33}, new int[] {2, 1, 33, 7}, new int[] {2, 3, 7, 7}),
                Arguments.of(new int[] {5, 1, 17}, new int[] {5, 17, 1}, new int[] {5, 1, 1}),
                Arguments.of(new int[] {12, 4, 64, 32}, new int[] {12, 4, 32, 64}, new int[] {12, 4, 64, 64}),
                Arguments.of(new int[] {2, 70, 300}, new int[] {300, 80}, new int[] {2, 70, 80}),
                Arguments.of(new int[] {2, 3, 0}, new int[] {2, 0, 4}, new int[] {2, 3, 4}),
                Arguments.of(new int[] {2, 3, 0}, new int[] {0, 4}, new int[] {2, 3, 4}),
                Arguments.of(new int[] {0, 3, 4}, new int[] {1, 4, 5}, new int[] {0, 3, 5}));
    }

    static Stream<Arguments> cases() {
        return shapes().flatMap(s -> Stream.of(false, true).flatMap(ta -> Stream.of(false, true).map(tb ->
                Arguments.of(s.get()[0], s.get()[1], s.get()[2], ta, tb))));
    }

    private static int size(int[] s) {
        int n = 1;
        for (int d : s) n *= d;
        return n;
    }

    /** The values of a logical {@code [..., r, c]} tensor laid out as {@code [..., c, r]} when {@code trans}. */
    private static float[] store(float[] v, int[] shape, boolean trans) {
        if (!trans) return v.clone();
        int r = shape[shape.length - 2], c = shape[shape.length - 1], mat = r * c;
        float[] out = new float[v.length];
        for (int b = 0; b * mat < v.length; b++) {
            for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) out[b * mat + j * r + i] = v[b * mat + i * c + j];
        }
        return out;
    }

    private static int[] storedShape(int[] shape, boolean trans) {
        int[] s = shape.clone();
        if (trans) {
            s[s.length - 2] = shape[shape.length - 1];
            s[s.length - 1] = shape[shape.length - 2];
        }
        return s;
    }

    /** Index of {@code out}'s batch index {@code (i0, i1)} in an operand's batch dims, broadcast (padded to two). */
    private static int batchIndex(int[] operand, int i0, int i1) {
        int[] b = new int[] {1, 1};
        int rank = operand.length - 2;
        for (int i = 0; i < rank; i++) b[2 - rank + i] = operand[i];
        return (b[0] == 1 ? 0 : i0) * b[1] + (b[1] == 1 ? 0 : i1);
    }

    @ParameterizedTest(name = "{0} x {1} transA={3} transB={4}")
    @MethodSource("cases")
    void matchesTheNaiveTripleLoop(int[] a, int[] b, int[] out, boolean transA, boolean transB) {
        float[] av = Rand.uniform(1, size(a), -1f, 1f), bv = Rand.uniform(2, size(b), -1f, 1f);
        int m = a[a.length - 2], k = a[a.length - 1], n = b[b.length - 1];
        int[] ob = {1, 1};
        for (int i = 0; i < out.length - 2; i++) ob[2 - (out.length - 2) + i] = out[i];
        float[] expected = new float[size(out)];
        for (int i0 = 0; i0 < ob[0]; i0++) {
            for (int i1 = 0; i1 < ob[1]; i1++) {
                int aBase = batchIndex(a, i0, i1) * m * k, bBase = batchIndex(b, i0, i1) * k * n;
                int oBase = (i0 * ob[1] + i1) * m * n;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) s += (double) av[aBase + i * k + p] * bv[bBase + p * n + j];
                        expected[oBase + i * n + j] = (float) s;
                    }
                }
            }
        }
        Tensor left = Tensor.of(store(av, a, transA), storedShape(a, transA));
        Tensor right = Tensor.of(store(bv, b, transB), storedShape(b, transB));
        Tensor c = Eager.apply(LinalgOp.MATMUL, new OpParams.Transposes(transA, transB), left, right);
        assertArrayEquals(out, c.shape().dims());
        float[] got = c.toArray();
        for (int i = 0; i < got.length; i++) {
            if (Math.abs(got[i] - expected[i]) > 1e-5 * Math.max(1, k)) {
                fail("element " + i + ": expected " + expected[i] + " but was " + got[i]);
            }
        }
        if (!transA && !transB) assertArrayEquals(got, Tensor.of(av, a).matmul(Tensor.of(bv, b)).toArray());
    }

    @Test
    void theSameBitsOnOneThreadAsOnTwo() {
        // 48 products of 64x32 by 32x64: too small to split one by one, dealt out whole to the threads on two
        Tensor q = Tensor.randn(3, 12, 4, 64, 32), kT = Tensor.randn(4, 12, 4, 32, 64);
        int before = Gemm.parallelism();
        try {
            Gemm.setParallelism(1);
            float[] one = q.matmul(kT).toArray();
            Gemm.setParallelism(2);
            float[] two = q.matmul(kT).toArray();
            assertArrayEquals(one, two);
        } finally {
            Gemm.setParallelism(before);
        }
    }

    /** Applies nothing: records each op application and returns its output shape. */
    private static final class Recorder implements GradBuilder<Shape> {
        final List<String> applied = new ArrayList<>();

        @Override
        public Shape apply(Op op, OpParams params, List<Shape> inputs) {
            Shape out = op.outputShape(params, inputs.toArray(Shape[]::new));
            applied.add(op.name() + " " + inputs + " " + params + " -> " + out);
            return out;
        }

        @Override
        public Shape shape(Shape value) { return value; }

        @Override
        public Shape scalar(float value) { return Shape.SCALAR; }
    }

    private static List<String> gradientOps(Shape a, Shape b, boolean transA, boolean transB, boolean needA, boolean needB) {
        Recorder r = new Recorder();
        OpParams p = new OpParams.Transposes(transA, transB);
        Shape out = LinalgOp.MATMUL.outputShape(p, a, b);
        List<Shape> grads = LinalgOp.MATMUL.backward(r, p, List.of(a, b), out, out, new boolean[] {needA, needB});
        if (needA) assertEquals(a, grads.get(0));
        if (needB) assertEquals(b, grads.get(1));
        return r.applied;
    }

    @Test
    void aSharedWeightGetsItsGradientFromOneProduct() {
        Shape x = Shape.of(4, 9, 16), w = Shape.of(16, 8);
        assertEquals(List.of(
                "RESHAPE [[4, 9, 16]] shape=[36, 16] -> [36, 16]",
                "RESHAPE [[4, 9, 8]] shape=[36, 8] -> [36, 8]",
                "MATMUL [[36, 16], [36, 8]] transA -> [16, 8]"), gradientOps(x, w, false, false, false, true));
        Shape wT = Shape.of(8, 16);
        assertEquals(List.of(
                "RESHAPE [[4, 9, 16]] shape=[36, 16] -> [36, 16]",
                "RESHAPE [[4, 9, 8]] shape=[36, 8] -> [36, 8]",
                "MATMUL [[36, 8], [36, 16]] transA -> [8, 16]"), gradientOps(x, wT, false, true, false, true));
        // dX needs no sum: one product with the weight
        assertEquals(List.of("MATMUL [[4, 9, 8], [16, 8]] transB -> [4, 9, 16]"), gradientOps(x, w, false, false, true, false));
    }

    @Test
    void aBroadcastOperandsGradientIsSummedBack() {
        List<String> ops = gradientOps(Shape.of(2, 1, 5, 3), Shape.of(4, 3, 6), false, false, true, true);
        assertEquals(4, ops.size(), ops.toString());
        assertEquals("SUM_TO [[2, 4, 5, 3]] shape=[2, 1, 5, 3] -> [2, 1, 5, 3]", ops.get(1));
        assertEquals("SUM_TO [[2, 4, 3, 6]] shape=[4, 3, 6] -> [4, 3, 6]", ops.get(3));
        assertEquals(List.of("MATMUL [[2, 3, 6], [2, 5, 6]] transB -> [2, 3, 5]", "SUM_TO [[2, 3, 5]] shape=[3, 5] -> [3, 5]"),
                gradientOps(Shape.of(3, 5), Shape.of(2, 3, 6), true, false, true, false),
                "a transposed left operand's gradient is stored transposed too");
    }

    @Test
    void outputShapesFollowTorchMatmul() {
        OpParams p = new OpParams.Transposes(false, false);
        int[][][] cases = {  // a, b, out
            {{2, 3}, {3, 4}, {2, 4}}, {{5, 2, 3}, {3, 4}, {5, 2, 4}}, {{2, 3}, {5, 3, 4}, {5, 2, 4}},
            {{7, 1, 2, 3}, {5, 3, 4}, {7, 5, 2, 4}}, {{1, 2, 3}, {6, 1, 3, 4}, {6, 1, 2, 4}}, {{2, 3}, {1, 3, 2}, {1, 2, 2}},
            {{0, 2, 3}, {1, 3, 4}, {0, 2, 4}}, {{1, 2, 3}, {0, 3, 4}, {0, 2, 4}}, {{3, 1, 2, 0}, {4, 0, 5}, {3, 4, 2, 5}},
        };
        for (int[][] c : cases) {
            assertArrayEquals(c[2], LinalgOp.MATMUL.outputShape(p, Shape.of(c[0]), Shape.of(c[1])).dims(),
                    Arrays.toString(c[0]) + " x " + Arrays.toString(c[1]));
        }
    }
}
