package org.jitgrad.ops;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;

import org.jitgrad.autograd.Eager;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every bad input to the layout ops and batched matmul: the exception names the op and the values at fault. */
class LayoutValidationTest {
    private final Tensor x = Tensor.zeros(2, 3, 4);

    @Test
    void permuteNeedsAPermutationOfTheAxes() {
        assertThrowsNaming(ShapeException.class, () -> x.permute(0, 1), "permute", "[0, 1]", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.permute(0, 1, 2, 3), "permute", "[0, 1, 2, 3]", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.permute(0, 1, 1), "permute", "[0, 1, 1]", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.permute(0, 2, -1), "permute", "[0, 2, -1]", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.permute(0, 1, 3), "permute", "[0, 1, 3]", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.permute(-4, 1, 2), "permute", "[-4, 1, 2]", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.permute(), "permute", "[]", "[2, 3, 4]");
        // applied directly, the op checks its (normalized) parameters too
        assertThrowsNaming(ShapeException.class,
                () -> Eager.apply(LayoutOp.PERMUTE, new OpParams.Permutation(new int[] {2, 0, -1}), x),
                "permute", "[2, 0, -1]", "[2, 3, 4]");
    }

    @Test
    void transposeNeedsAxesInRange() {
        assertThrowsNaming(ShapeException.class, () -> x.transpose(0, 3), "transpose", "axis 3", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.transpose(-4, 1), "transpose", "axis -4", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.scalar(1f).transpose(0, 0), "transpose", "axis 0", "[]");
    }

    @Test
    void sliceRejectsRangesOutsideTheAxisInsteadOfClamping() {
        assertThrowsNaming(ShapeException.class, () -> x.slice(1, 0, 4), "slice", "axis 1", "[0, 4)", "[2, 3, 4]", "length 3");
        assertThrowsNaming(ShapeException.class, () -> x.slice(-1, -1, 2), "slice", "axis -1", "[-1, 2)", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.slice(2, 3, 2), "slice", "axis 2", "[3, 2)", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.slice(0, 3, 3), "slice", "axis 0", "[3, 3)", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.slice(3, 0, 1), "slice", "axis 3", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.scalar(1f).slice(0, 0, 1), "slice", "axis 0", "[]");
        assertThrowsNaming(ShapeException.class,
                () -> Eager.apply(LayoutOp.SLICE, new OpParams.Range(-1, 0, 1), x), "slice", "axis -1", "normalized");
        assertThrowsNaming(ShapeException.class,
                () -> Eager.apply(LayoutOp.SLICE, new OpParams.Range(0, 1, 3), x), "slice", "[1, 3)", "[2, 3, 4]");
    }

    @Test
    void padMustFitTheInputIntoTheAxis() {
        assertThrowsNaming(ShapeException.class,
                () -> Eager.apply(LayoutOp.PAD, new OpParams.Placement(1, 2, 4), x), "pad", "[2, 3, 4]", "at 2", "4");
        assertThrowsNaming(ShapeException.class,
                () -> Eager.apply(LayoutOp.PAD, new OpParams.Placement(1, -1, 5), x), "pad", "[2, 3, 4]", "at -1");
        assertThrowsNaming(ShapeException.class,
                () -> Eager.apply(LayoutOp.PAD, new OpParams.Placement(-2, 0, 5), x), "pad", "axis -2", "normalized");
    }

    @Test
    void catNeedsMatchingParts() {
        assertThrowsNaming(ShapeException.class, () -> Tensor.cat(1, x, Tensor.zeros(2, 5, 3)),
                "cat", "part 1", "[2, 5, 3]", "[2, 3, 4]", "axis 1");
        assertThrowsNaming(ShapeException.class, () -> Tensor.cat(0, x, Tensor.zeros(3, 4)),
                "cat", "part 1", "[3, 4]", "[2, 3, 4]", "rank 3");
        assertThrowsNaming(ShapeException.class, () -> Tensor.cat(-1, x, x, Tensor.zeros(1, 3, 4)),
                "cat", "part 2", "[1, 3, 4]", "axis -1");
        assertThrowsNaming(ShapeException.class, () -> Tensor.cat(3, x, x), "cat", "axis 3", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> Tensor.cat(0, Tensor.scalar(1f), Tensor.scalar(2f)), "cat", "axis 0", "[]");
        assertThrowsNaming(IllegalArgumentException.class, () -> Tensor.cat(0), "cat", "at least one");
        assertThrowsNaming(IllegalArgumentException.class, () -> Tensor.cat(0, x, null), "cat", "part 1", "null");
    }

    @Test
    void splitNeedsAPositiveSizeAndAnAxisInRange() {
        assertThrowsNaming(IllegalArgumentException.class, () -> x.split(0, 1), "split", "size", "0", "[2, 3, 4]");
        assertThrowsNaming(IllegalArgumentException.class, () -> x.split(-2, 1), "split", "-2", "[2, 3, 4]");
        assertThrowsNaming(ShapeException.class, () -> x.split(1, 3), "split", "axis 3", "[2, 3, 4]");
    }

    @Test
    void matmulMismatches() {
        Tensor a = Tensor.zeros(2, 3, 4);
        assertThrowsNaming(ShapeException.class, () -> a.matmul(Tensor.zeros(5, 6)), "matmul", "[2, 3, 4]", "[5, 6]", "4 != 5");
        assertThrowsNaming(ShapeException.class, () -> a.matmul(Tensor.zeros(2, 3, 4, 6)),
                "matmul", "[2, 3, 4]", "[2, 3, 4, 6]", "batch", "2 and 3");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(2, 3, 3, 4).matmul(Tensor.zeros(5, 4, 2)),
                "matmul", "[2, 3, 3, 4]", "[5, 4, 2]", "3 and 5");
        assertThrowsNaming(ShapeException.class, () -> a.matmul(Tensor.zeros(4)), "matmul", "[2, 3, 4]", "[4]", "rank 2 to 4");
        assertThrowsNaming(ShapeException.class, () -> Tensor.zeros(4).matmul(a), "matmul", "[4]", "[2, 3, 4]");
        // with transpose flags, the message shows which operand was transposed
        assertThrowsNaming(ShapeException.class,
                () -> Eager.apply(LinalgOp.MATMUL, new OpParams.Transposes(true, false), a, Tensor.zeros(2, 4, 5)),
                "matmul", "[2, 3, 4]ᵀ", "[2, 4, 5]", "3 != 4");
        assertThrowsNaming(ShapeException.class,
                () -> Eager.apply(LinalgOp.MATMUL, new OpParams.Transposes(false, true), a, Tensor.zeros(3, 4, 5)),
                "matmul", "[2, 3, 4]", "[3, 4, 5]ᵀ", "4 != 5");
    }
}
