package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.jitgrad.compile.Plans.count;
import static org.jitgrad.compile.Plans.steps;

import java.util.List;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Causal attention's masked softmax and its gradient become single steps ({@code CausalSoftmax}) where the rows are
 * whole vectors, and the step still gives the tape's loss and gradients.
 */
class CausalSoftmaxTest {
    private static final int T = 4 * jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    private final Tensor wq = Tensor.randn(1, 8, 8).requiresGrad(), wk = Tensor.randn(2, 8, 8).requiresGrad();
    private final Tensor wv = Tensor.randn(3, 8, 8).requiresGrad(), r = Tensor.randn(4, 2, T, 8);
    private final Tensor x = Tensor.randn(5, 2, T, 8).mul(0.5f);

    /** One head of causal attention on a [2, T, 8] input (its queries, keys and values x·W), summed against r. */
    private TensorFn attention(Tensor mask, float maskValue) {
        return in -> {
            Tensor q = in[0].matmul(wq), k = in[0].matmul(wk), v = in[0].matmul(wv);
            Tensor scores = q.matmul(k.transpose(1, 2)).mul((float) (1 / Math.sqrt(8)));
            return scores.maskedFill(mask, maskValue).softmax(-1).matmul(v).mul(r).sum();
        };
    }

    private String plan(TensorFn fn) {
        Compiled step = Compiled.trace(fn);
        step.run(x);
        return steps(step);
    }

    @Test
    void theCausalMaskGivesOneStepEachWay() {
        TensorFn fn = attention(OpInfoTable.causal(T), Float.NEGATIVE_INFINITY);
        Engines.assertSameLossAndGradients(fn, List.of(wq, wk, wv), x);
        String steps = plan(fn);
        assertEquals(1, count(steps, "causal softmax %"), steps);
        assertEquals(1, count(steps, "causal softmax grad %"), steps);
        assertEquals(0, count(steps, "= softmax_grad(%"), steps);   // no separate gradient kernel left
    }

    /**
     * A captured tensor's values are read at each call, so a caller may change the mask in place (causal attention
     * turned bidirectional); the program that assumed the causal mask skipped the terms above the diagonal and gave
     * the causal loss for the new mask. Such a call now gets a program of its own.
     */
    @Test
    void aMaskChangedInPlaceAfterCompilingGetsAProgramForItsNewValues() {
        Tensor mask = OpInfoTable.causal(T);
        TensorFn fn = attention(mask, Float.NEGATIVE_INFINITY);
        Compiled step = Compiled.trace(fn);
        step.run(x);
        for (float[] values : List.of(new float[T * T], OpInfoTable.causal(T).toArray())) {
            mask.copyFrom(values);
            wq.setGrad(null);
            Tensor tape = fn.apply(x);
            tape.backward();
            float[] tapeGrad = wq.grad().toArray();
            Engines.assertClose("loss", new float[] {tape.item()}, new float[] {step.run(x)}, Engines.REL);
            Engines.assertClose("gradient of wq", tapeGrad, wq.grad().toArray(), Engines.REL);
        }
        assertEquals(2, step.compileCount(), "one program per mask, the causal one found again in the cache");
    }

    @Test
    void anotherMaskOrFillValueKeepsTheComposite() {
        Tensor lowerMask = OpInfoTable.causal(T).transpose();   // 1 below the diagonal: not causal
        for (TensorFn fn : List.of(attention(lowerMask, Float.NEGATIVE_INFINITY),
                attention(OpInfoTable.causal(T), -1e9f))) {
            Engines.assertSameLossAndGradients(fn, List.of(wq, wk, wv), x);
            String steps = plan(fn);
            assertEquals(0, count(steps, "causal softmax"), steps);
        }
    }
}
