package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jitgrad.compile.Plans.count;
import static org.jitgrad.compile.Plans.steps;

import java.util.List;
import org.jitgrad.compile.ir.Graph;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.View;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Attention's heads multiplied where they lie ({@code StridedViews}): the compiled GPT step has no slice, permute or
 * concat step left and matches the tape; chains a view cannot express, and joins with a part that is not such a
 * product, keep their copies; the view algebra itself.
 */
class StridedViewsTest {
    @Test
    void theGptStepCopiesNoHeadsAndMatchesTheTape() {
        String steps = Plans.smallGptSteps();
        for (String copy : List.of("slice(", "permute(", "concat(")) assertEquals(0, count(steps, copy), steps);
        // per layer: q·kᵀ and p·v forward; dP, dV, dQ and dK backward
        assertEquals(2 * 6, count(steps, "strided matmul"), steps);
        // causal: scores and dP used only on and below the diagonal, p and dS zero above it (as A, or as Aᵀ)
        assertEquals(2 * 2, count(steps, "LOWER_RESULT"), steps);
        assertEquals(2 * 2, count(steps, "LOWER_A"), steps);
        assertEquals(2 * 2, count(steps, "UPPER_A"), steps);
    }

    /** Single-head attention over {@code [2, 8, 8]} with the given mask (1 = hidden) and an extra read of the scores. */
    private static String attention(float[] mask, boolean readScoresElsewhere) {
        Tensor w = Tensor.randn(7, 6, 24).requiresGrad();
        Tensor m = Tensor.of(mask, 8, 8);
        TensorFn fn = in -> {
            List<Tensor> qkv = in[0].matmul(w).split(8, -1);
            Tensor scores = qkv.get(0).matmul(qkv.get(1).transpose(-2, -1)).mul(0.5f);
            Tensor p = scores.maskedFill(m, Float.NEGATIVE_INFINITY).softmax(-1);
            Tensor y = p.matmul(qkv.get(2));
            Tensor loss = y.mul(y).sum();
            return readScoresElsewhere ? loss.add(scores.tanh().sum()) : loss;
        };
        Tensor x = Tensor.randn(8, 2, 8, 6);
        Engines.assertSameLossAndGradients(fn, List.of(w), x);
        Compiled step = Compiled.trace(fn);
        step.run(x);
        return steps(step);
    }

    private static float[] mask(int t, java.util.function.BiPredicate<Integer, Integer> hidden) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) for (int j = 0; j < t; j++) m[i * t + j] = hidden.test(i, j) ? 1f : 0f;
        return m;
    }

    @Test
    void onlyTheExactCausalMaskMakesProductsTriangular() {
        String causal = attention(mask(8, (i, j) -> j > i), false);
        // scores and dP; p·v and dQ; dV and dK
        for (String s : List.of("LOWER_RESULT", "LOWER_A", "UPPER_A")) assertEquals(2, count(causal, s), causal);
        // a window that also hides the diagonal's neighbour below, and one that shows the next position: no structure
        for (float[] other : List.of(mask(8, (i, j) -> j > i || j == i - 1 && i > 1), mask(8, (i, j) -> j > i + 1))) {
            String steps = attention(other, false);
            for (String s : List.of("LOWER_RESULT", "LOWER_A", "UPPER_A")) assertEquals(0, count(steps, s), steps);
        }
    }

    @Test
    void scoresReadElsewhereAreComputedWhole() {
        String steps = attention(mask(8, (i, j) -> j > i), true);
        // dP only: the scores' tanh reads above the diagonal too; and the scores' gradient, which now has the tanh's
        // part above the diagonal, makes dQ and dK whole products (p·v and dV keep theirs)
        for (String s : List.of("LOWER_RESULT", "LOWER_A", "UPPER_A")) assertEquals(1, count(steps, s), steps);
    }

    @Test
    void slicesOfAThreeDimensionalBatchAreViewsToo() {
        // q, k, v sliced from one [b, t, 3*d] projection (rank 3); two products joined along the last axis
        Tensor w = Tensor.randn(1, 6, 24).requiresGrad();
        TensorFn fn = in -> {
            List<Tensor> qkv = in[0].matmul(w).split(8, -1);
            Tensor att = qkv.get(0).matmul(qkv.get(1).transpose(-2, -1)).tanh();
            Tensor z = Tensor.cat(-1, att.matmul(qkv.get(2)), att.transpose(-2, -1).matmul(qkv.get(2)));
            return z.mul(z).sum();
        };
        Tensor x = Tensor.randn(2, 3, 5, 6);
        Engines.assertSameLossAndGradients(fn, List.of(w), x);
        Compiled step = Compiled.trace(fn);
        step.run(x);
        String steps = steps(step);
        assertTrue(count(steps, "strided matmul") >= 3, steps);
        assertEquals(0, count(steps, "slice("), steps);
        // the forward join's parts are products, written where they lie; the gradient's join keeps its copy,
        // because v's gradient is the sum of two products
        assertEquals(1, count(steps, "concat("), steps);
    }

    @Test
    void aJoinWithAPartThatIsNoProductKeepsItsCopy() {
        Tensor w = Tensor.randn(3, 6, 16).requiresGrad();
        TensorFn fn = in -> {
            Tensor p = in[0].matmul(w).reshape(3, 5, 2, 8).permute(0, 2, 1, 3);
            Tensor prod = p.matmul(p.transpose(-2, -1)).matmul(p);
            Tensor joined = Tensor.cat(-1, prod.permute(0, 2, 1, 3).reshape(3, 5, 16), in[0].reshape(3, 5, 6).tanh());
            return joined.mul(joined).sum();
        };
        Tensor x = Tensor.randn(4, 15, 6);
        Engines.assertSameLossAndGradients(fn, List.of(w), x);
        Compiled step = Compiled.trace(fn);
        step.run(x);
        String steps = steps(step);
        assertTrue(steps.contains("kernel %") && steps.contains("concat("), steps);
        assertTrue(count(steps, "strided matmul") >= 1, steps);
    }

    @Test
    void anOperandWhoseRowsAreNotContiguousIsCopied() {
        // kᵀ made by a permutation of the last two axes (not the transB flag): its rows are strided, so it is copied
        Tensor w = Tensor.randn(5, 6, 16).requiresGrad();
        TensorFn fn = in -> {
            Tensor p = in[0].matmul(w).reshape(3, 5, 2, 8).permute(0, 2, 1, 3);
            Tensor kt = p.permute(0, 1, 3, 2).mul(1f);
            return p.matmul(kt).sum();
        };
        Tensor x = Tensor.randn(6, 3, 5, 6);
        Engines.assertSameLossAndGradients(fn, List.of(w), x);
    }

    @Test
    void viewsComposeSlicesReshapesAndPermutations() {
        IrNode qkv = new Graph().addInput(0, Shape.of(2, 3, 12));
        View q = View.whole(qkv).slice(2, 4, 8).reshape(Shape.of(2, 3, 2, 2)).permute(new int[] {0, 2, 1, 3});
        assertEquals(4, q.offset());
        assertArrayEquals(new int[] {2, 2, 3, 2}, q.dims());
        assertArrayEquals(new int[] {36, 2, 12, 1}, q.strides());
        // merging the batch and time axes of the slice is a view (they stay 12 apart)
        View rows = View.whole(qkv).slice(2, 4, 8).reshape(Shape.of(6, 4));
        assertArrayEquals(new int[] {12, 1}, rows.strides());
        // but merging time with the sliced axis crosses the gap the slice leaves
        assertNull(View.whole(qkv).slice(2, 4, 8).reshape(Shape.of(2, 12)));
        // and the permuted heads cannot be flattened back without a copy
        assertNull(q.reshape(Shape.of(2, 12)));
        // size-1 axes anywhere
        View ones = View.whole(qkv).reshape(Shape.of(2, 1, 3, 12));
        assertArrayEquals(new int[] {36, 36, 12, 1}, ones.strides());
        assertTrue(View.whole(qkv).reshape(Shape.of(6, 12)).reshape(Shape.of(2, 3, 12)).isWhole());
    }
}
