package org.jitgrad.ops;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.BinaryOperator;
import java.util.stream.Stream;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Shape errors of the ops: the message names the op and both shapes. */
class OpValidationTest {
    static Stream<Arguments> incompatible() {
        Object[][] ops = {
            {"add", (BinaryOperator<Tensor>) Tensor::add}, {"sub", (BinaryOperator<Tensor>) Tensor::sub},
            {"mul", (BinaryOperator<Tensor>) Tensor::mul}, {"div", (BinaryOperator<Tensor>) Tensor::div},
            {"maximum", (BinaryOperator<Tensor>) Tensor::maximum},
        };
        int[][][] pairs = {
            {{2, 3}, {3, 2}}, {{4}, {2, 3}}, {{3}, {4}}, {{2, 3}, {1, 2}}, {{2, 3, 4}, {3, 1, 4}}, {{2, 1, 3}, {4, 2}},
        };
        return Stream.of(ops).flatMap(op -> Stream.of(pairs).map(p -> Arguments.of(op[0], op[1], p[0], p[1])));
    }

    @ParameterizedTest(name = "{0} {2} {3}")
    @MethodSource("incompatible")
    void binaryOpsRejectIncompatibleShapes(String name, BinaryOperator<Tensor> op, int[] a, int[] b) {
        Tensor x = Tensor.zeros(a).requiresGrad(), y = Tensor.ones(b);
        assertThrowsNaming(ShapeException.class, () -> op.apply(x, y), name,
                java.util.Arrays.toString(a), java.util.Arrays.toString(b));
    }

    @Test
    void broadcastingFollowsNumPy() {
        int[][][] cases = {  // a, b, expected
            {{2, 3}, {2, 1}, {2, 3}}, {{2, 1}, {1, 3}, {2, 3}}, {{2, 3, 4}, {3, 4}, {2, 3, 4}}, {{1, 1}, {5}, {1, 5}},
            {{4, 1, 3}, {2, 1}, {4, 2, 3}}, {{}, {2, 2}, {2, 2}}, {{2, 1, 1, 3}, {1, 4, 1}, {2, 1, 4, 3}},
        };
        for (int[][] c : cases) {
            Tensor sum = Tensor.ones(c[0]).add(Tensor.ones(c[1]));
            org.junit.jupiter.api.Assertions.assertArrayEquals(c[2], sum.shape().dims(),
                    java.util.Arrays.toString(c[0]) + " + " + java.util.Arrays.toString(c[1]));
        }
    }

    @Test
    void matmulInnerMismatchAndRank() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 5);
        assertThrowsNaming(ShapeException.class, () -> a.matmul(b), "matmul", "[2, 3]", "[4, 5]", "3 != 4");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(3).matmul(Tensor.zeros(3, 2)), "matmul", "[3]", "[3, 2]");
        assertThrowsNaming(ShapeException.class, () -> a.matmul(Tensor.zeros(1, 4, 2)), "matmul", "[2, 3]", "[1, 4, 2]");
        assertThrowsNaming(ShapeException.class, () -> a.matmul(Tensor.scalar(2f)), "matmul", "[]");
    }

    @Test
    void transposeNeedsAMatrix() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(2, 3, 4).transpose(), "transpose", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(5).transpose(), "transpose", "[5]");
    }

    @Test
    void reshapeToADifferentSize() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(2, 3).reshape(4, 2), "reshape", "[2, 3]", "[4, 2]", "6", "8");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(2, 3).reshape(1, 1, 1, 1, 6), "rank 5");
    }

    @Test
    void reshapeInfersOneMinusOne() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new int[] {3, 2}, x.reshape(-1, 2).shape().dims());
        assertArrayEquals(new int[] {1, 6}, x.reshape(1, -1).shape().dims());
        assertArrayEquals(new int[] {6}, x.reshape(-1).shape().dims());
        assertArrayEquals(x.toArray(), x.reshape(-1, 2).toArray());
        assertArrayEquals(new int[] {0, 4}, Tensor.zeros(0, 2, 2).reshape(-1, 4).shape().dims());
        assertThrowsNaming(ShapeException.class, () -> x.reshape(-1, -1), "at most one -1", "[-1, -1]");
        assertThrowsNaming(ShapeException.class, () -> x.reshape(-1, 4), "cannot infer", "[-1, 4]", "[2, 3]", "6 elements");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(0, 2).reshape(-1, 0), "cannot infer", "[-1, 0]");
        assertThrows(ShapeException.class, () -> x.reshape(-1, -2));
    }
}
