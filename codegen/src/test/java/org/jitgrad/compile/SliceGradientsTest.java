package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.jitgrad.compile.Plans.count;
import static org.jitgrad.compile.Plans.steps;

import java.util.List;
import java.util.Random;
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
        Random r = new Random(3);
        Compiled step = Compiled.trace(in -> gpt.loss(in[0], in[1]));
        step.run(GptCompiledTest.ids(r, 11, 2, 8), GptCompiledTest.ids(r, 11, 2, 8));
        String plan = step.explain();
        String ir = plan.substring(0, plan.indexOf("== steps after fusion"));
        assertEquals(2, count(ir, "concat("), ir);
        String steps = steps(step);
        assertFalse(steps.contains("pad("), steps);
        // the heads' gradient products then write the joined gradient's parts where they lie (StridedViews)
        assertEquals(0, count(steps, "concat("), steps);
    }
}
