package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jitgrad.compile.Plans.steps;

import java.util.List;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A product of a transposed operand reads the operand in place with the product's transpose flag: no transpose in
 * the compiled step, forward or backward, and the tape's values.
 */
class TransposedOperandsTest {
    @Test
    void attentionScoresReadKeysInPlace() {
        Tensor k = Tensor.randn(21, 2, 3, 7, 5).requiresGrad();
        Tensor r = Tensor.randn(22, 2, 3, 9, 7);
        TensorFn fn = in -> in[0].matmul(k.transpose(-2, -1)).tanh().mul(r).sum();
        Tensor q = Tensor.randn(23, 2, 3, 9, 5);
        Engines.assertSameLossAndGradients(fn, List.of(k), q);
        Compiled step = Compiled.trace(fn);
        step.run(q);
        String steps = steps(step);
        assertFalse(steps.contains("permute("), steps);
        assertTrue(steps.contains("transB"), steps);
    }

    @Test
    void bothOperandsAndAMatrixTransposeFold() {
        Tensor w = Tensor.randn(24, 6, 4).requiresGrad();
        Tensor r = Tensor.randn(25, 5, 6);
        // (xᵀ)ᵀ·wᵀ: the left transpose cancels the stored one's, the right one becomes transB
        TensorFn fn = in -> in[0].transpose(-2, -1).transpose(-2, -1).matmul(w.transpose()).exp().mul(r).sum();
        Tensor x = Tensor.randn(26, 5, 4);
        Engines.assertSameLossAndGradients(fn, List.of(w), x);
        Compiled step = Compiled.trace(fn);
        step.run(x);
        String steps = steps(step);
        assertFalse(steps.contains("transpose("), steps);
    }

    @Test
    void aTransposeWithAnotherConsumerIsStillComputedForIt() {
        Tensor k = Tensor.randn(27, 7, 5).requiresGrad();
        TensorFn fn = in -> {
            Tensor kt = k.transpose(-2, -1);
            return in[0].matmul(kt).sum().add(kt.mul(kt).sum());
        };
        Engines.assertSameLossAndGradients(fn, List.of(k), Tensor.randn(28, 3, 5));
    }

    @Test
    void theGptStepTransposesNoKeysAndNoEmbedding() {
        String steps = Plans.smallGptSteps();
        assertFalse(steps.contains("dims=[0, 1, 3, 2]"), steps);
        assertFalse(steps.contains("transpose("), steps);
    }
}
