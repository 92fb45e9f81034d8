package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The gradient of a value whose slices tile an axis (a fused QKV projection split into q, k and v) is one concat of
 * the slices' gradients in the compiled step, not a sum of zero-padded copies; where the slices leave a gap or
 * overlap, the sum stays. Values equal the tape's either way.
 */
class SliceGradientsTest {
    private static String steps(Compiled step) {
        String plan = step.explain();
        return plan.substring(plan.indexOf("== steps after fusion"));
    }

    /** {@code Σ f(x·w)·r} for a [5,6] input and w [6,18]. */
    private static void check(TensorFn body, boolean joined) {
        Tensor w = Tensor.randn(11, 6, 18).requiresGrad();
        Tensor r = Tensor.randn(12, 5, 6);
        TensorFn fn = in -> body.apply(new Tensor[] {in[0].matmul(w)}).mul(r).sum();
        Tensor x = Tensor.randn(13, 5, 6);
        Engines.assertSameLossAndGradients(fn, List.of(w), x);
        Compiled step = Compiled.trace(fn);
        step.run(x);
        String steps = steps(step);
        assertEquals(joined, steps.contains("concat("), steps);
        assertEquals(!joined, steps.contains("pad("), steps);
    }

    @Test
    void threeSlicesThatTileTheAxisAreJoined() {
        check(in -> {
            List<Tensor> qkv = in[0].split(6, -1);
            return qkv.get(0).mul(qkv.get(1)).add(qkv.get(2).tanh());
        }, true);
    }

    @Test
    void slicesOfUnequalLengthsInAnyOrderAreJoined() {
        check(in -> in[0].slice(-1, 10, 16).add(in[0].slice(-1, 0, 6).exp()).mul(in[0].slice(-1, 6, 10).sum(-1, true)
                .add(in[0].slice(-1, 16, 18).sum(-1, true))), true);
    }

    @Test
    void aGapLeavesTheSum() {
        check(in -> in[0].slice(-1, 0, 6).mul(in[0].slice(-1, 12, 18)), false);
    }

    @Test
    void anOverlapLeavesTheSum() {
        check(in -> in[0].slice(-1, 0, 6).mul(in[0].slice(-1, 4, 10)).add(in[0].slice(-1, 10, 16))
                .add(in[0].slice(-1, 16, 18).sum(-1, true)), false);
    }

    @Test
    void aSliceBesideAnotherUseLeavesTheSum() {
        check(in -> in[0].slice(-1, 0, 6).mul(in[0].slice(-1, 6, 12)).add(in[0].slice(-1, 12, 18))
                .add(in[0].sum(-1, true)), false);
    }

    @Test
    void aGptStepJoinsTheQkvGradientsOfEveryLayer() {
        Gpt gpt = new Gpt(new GptConfig(11, 8, 2, 2, 16, 0f, false), 5);
        Tensor ids = Tensor.of(new float[] {1, 4, 2, 9, 0, 3, 7, 7, 5, 10, 6, 1, 2, 8, 4, 3}, 2, 8);
        Tensor targets = Tensor.of(new float[] {4, 2, 9, 0, 3, 7, 7, 5, 10, 6, 1, 2, 8, 4, 3, 0}, 2, 8);
        Compiled step = Compiled.trace(in -> gpt.loss(in[0], in[1]));
        step.run(ids, targets);
        String steps = steps(step);
        int concats = 0;
        for (int i = steps.indexOf("concat("); i >= 0; i = steps.indexOf("concat(", i + 1)) concats++;
        assertEquals(2, concats, steps);
        assertFalse(steps.contains("pad("), steps);
    }
}
