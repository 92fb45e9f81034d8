package org.jitgrad.autograd;

import java.util.Arrays;
import java.util.stream.Stream;
import org.jitgrad.ops.IndexOp;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Rand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference checks of the embedding lookup's gradient (a scatter-add into the table) and of
 * that scatter-add's own gradient. The ids are fixed (they take no gradient), with repeats.
 */
class EmbeddingGradCheckTest {
    /** Table rows, table width, ids shape, ids values. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(7, 17, new int[] {2, 3}, new float[] {0, 3, 3, 6, 0, 3}),
                Arguments.of(7, 17, new int[] {5}, new float[] {6, 1, 1, 1, 4}),
                Arguments.of(1, 1, new int[] {5}, new float[] {0, 0, 0, 0, 0}),
                Arguments.of(1, 33, new int[] {}, new float[] {0}),
                Arguments.of(33, 7, new int[] {2, 1, 3}, new float[] {32, 0, 17, 17, 32, 5}),
                Arguments.of(17, 33, new int[] {7}, new float[] {16, 0, 8, 8, 8, 1, 16}),
                Arguments.of(5, 3, new int[] {0}, new float[] {}));
    }

    @ParameterizedTest(name = "table [{0}, {1}] ids {2}")
    @MethodSource("cases")
    void lookupGradientScatterAddsIntoTheTable(int rows, int width, int[] idShape, float[] idValues) {
        Tensor ids = Tensor.of(idValues, idShape);
        Tensor table = Tensor.of(Rand.uniform(rows * 31L + width, rows * width, -2f, 2f), rows, width);
        GradCheck.check("embedding [" + rows + ", " + width + "] ids " + Arrays.toString(idShape),
                in -> Tensor.embedding(in[0], ids), table);
    }

    @ParameterizedTest(name = "table [{0}, {1}] ids {2}")
    @MethodSource("cases")
    void scatterAddGradientGathersRows(int rows, int width, int[] idShape, float[] idValues) {
        Tensor ids = Tensor.of(idValues, idShape);
        int[] gDims = Arrays.copyOf(idShape, idShape.length + 1);
        gDims[idShape.length] = width;
        int n = Shape.of(gDims).size();
        Tensor g = Tensor.of(Rand.uniform(n + 5L, n, -2f, 2f), gDims);
        OpParams.Target table = new OpParams.Target(Shape.of(rows, width));
        GradCheck.check("embedding backward [" + rows + ", " + width + "] ids " + Arrays.toString(idShape),
                in -> Eager.apply(IndexOp.EMBEDDING_GRAD, table, in[0], ids), g);
    }

    @Test
    void embeddingFeedingAComposite() {
        Tensor ids = Tensor.of(new float[] {2, 0, 2, 1, 2, 2}, 2, 3);
        Tensor table = Tensor.of(Rand.uniform(11, 3 * 7, -1f, 1f), 3, 7);
        Tensor w = Tensor.of(Rand.uniform(12, 7, 0.5f, 1.5f), 7);
        GradCheck.check("layerNorm(embedding)·w", in -> Tensor.embedding(in[0], ids).layerNorm(in[1], null, 1e-5f).tanh(),
                table, w);
    }
}
