package org.jitgrad.ops;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedding lookup on the tape: values, the scatter-add gradient, and bad ids and shapes. */
class EmbeddingTest {
    /** Row r of this table is {@code [10r, 10r+1, 10r+2]}. */
    private static Tensor table() {
        float[] v = new float[4 * 3];
        for (int r = 0; r < 4; r++) for (int c = 0; c < 3; c++) v[r * 3 + c] = 10 * r + c;
        return Tensor.of(v, 4, 3).requiresGrad();
    }

    @Test
    void looksUpRowsForIdsOfAnyShape() {
        Tensor t = table();
        Tensor y = Tensor.embedding(t, Tensor.of(new float[] {3, 0, 3, 1, 2, 1}, 2, 3));
        assertEquals(Shape.of(2, 3, 3), y.shape());
        assertArrayEquals(new float[] {30, 31, 32, 0, 1, 2, 30, 31, 32, 10, 11, 12, 20, 21, 22, 10, 11, 12}, y.toArray());
        assertArrayEquals(new float[] {20, 21, 22}, Tensor.embedding(t, Tensor.scalar(2f)).toArray());
        assertEquals(Shape.of(3), Tensor.embedding(t, Tensor.scalar(2f)).shape());
        assertEquals(Shape.of(1, 2, 1, 3), Tensor.embedding(t, Tensor.of(new float[] {1, 1}, 1, 2, 1)).shape());
        assertEquals(Shape.of(0, 3), Tensor.embedding(t, Tensor.zeros(0)).shape());
        assertArrayEquals(new float[] {0, 1, 2}, Tensor.embedding(t, Tensor.of(new float[] {-0f}, 1)).toArray());
    }

    @Test
    void repeatedIdsAccumulateTheirGradients() {
        Tensor t = table();
        Tensor ids = Tensor.of(new float[] {3, 0, 3, 3}, 4);
        Tensor g = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 4, 3);
        Tensor.embedding(t, ids).backward(g);
        assertArrayEquals(new float[] {4, 5, 6, 0, 0, 0, 0, 0, 0, 1 + 7 + 10, 2 + 8 + 11, 3 + 9 + 12}, t.grad().toArray());
        Tensor.embedding(t, ids).backward(g);  // accumulates across backward passes like every parameter
        assertArrayEquals(new float[] {8, 10, 12, 0, 0, 0, 0, 0, 0, 36, 42, 48}, t.grad().toArray());
    }

    @Test
    void idsGetNoGradient() {
        Tensor t = table();
        Tensor ids = Tensor.of(new float[] {1, 2}, 2).requiresGrad();
        Tensor.embedding(t, ids).sum().backward();
        assertNull(ids.grad());
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0}, t.grad().toArray());
    }

    @ParameterizedTest
    @ValueSource(floats = {4f, 5f, -1f, 2.5f, -0.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e10f})
    void badIdIsNamedWithItsPositionAndNothingChanges(float bad) {
        Tensor t = table();
        Tensor.embedding(t, Tensor.of(new float[] {1}, 1)).sum().backward();
        float[] gradBefore = t.grad().toArray();
        float[] tableBefore = t.toArray();
        Tensor ids = Tensor.of(new float[] {0, 1, 2, 3, bad, 0}, 2, 3);
        assertThrowsNaming(IllegalArgumentException.class, () -> Tensor.embedding(t, ids),
                "embedding", "id " + bad, "flat index 4", "[1, 1]", "ids [2, 3]", "[0, 4)", "table [4, 3]");
        assertArrayEquals(gradBefore, t.grad().toArray());
        assertArrayEquals(tableBefore, t.toArray());
    }

    @Test
    void firstBadIdIsTheOneNamed() {
        Tensor ids = Tensor.of(new float[] {0, 7, 2, 9}, 4);
        assertThrowsNaming(IllegalArgumentException.class, () -> Tensor.embedding(table(), ids),
                "id 7.0", "flat index 1", "[1]");
    }

    @Test
    void idsOverwrittenBeforeBackwardAreCaughtThereWithGradientsUntouched() {
        Tensor t = table();
        Tensor.embedding(t, Tensor.of(new float[] {2}, 1)).sum().backward();
        float[] gradBefore = t.grad().toArray();
        Tensor ids = Tensor.of(new float[] {0, 1, 2}, 3);
        Tensor loss = Tensor.embedding(t, ids).sum();
        ids.storage()[2] = 4f;  // ids are ordinary tensors: a caller may refill them
        assertThrowsNaming(IllegalArgumentException.class, loss::backward,
                "embedding backward", "id 4.0", "flat index 2", "[2]", "[0, 4)");
        assertArrayEquals(gradBefore, t.grad().toArray());
    }

    @Test
    void shapeErrorsNameBothShapes() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.embedding(Tensor.zeros(4), Tensor.zeros(2)),
                "embedding", "table [4]", "ids [2]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.embedding(Tensor.zeros(2, 4, 3), Tensor.zeros(2)),
                "embedding", "[2, 4, 3]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.embedding(Tensor.zeros(4, 3), Tensor.zeros(1, 1, 1, 1)),
                "embedding", "rank at most 3", "[1, 1, 1, 1]");
        OpParams.Target table = new OpParams.Target(Shape.of(4, 3));
        assertThrowsNaming(ShapeException.class,
                () -> org.jitgrad.autograd.Eager.apply(IndexOp.EMBEDDING_GRAD, table, Tensor.zeros(2, 4), Tensor.zeros(2)),
                "embedding backward", "[2, 4]", "[2]", "[4, 3]");
    }
}
