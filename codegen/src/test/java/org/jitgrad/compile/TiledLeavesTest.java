package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jitgrad.compile.Plans.count;
import static org.jitgrad.compile.Plans.steps;

import java.util.List;
import org.jitgrad.compile.passes.FusedLoop;
import org.jitgrad.compile.passes.FusedLoop.Load;
import org.jitgrad.optim.Adam;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A leaf that is the loop's trailing dimensions repeated along the leading ones ({@link Load#TILE}: an attention
 * mask {@code [t, t]} over {@code [b, h, t, t]}, position embeddings {@code [t, C]} over {@code [b, t, C]}) is read
 * inside the fused loop instead of making its op a kernel of its own.
 */
class TiledLeavesTest {
    @Test
    void tileFormsAndTheirLimits() {
        Shape root = Shape.of(3, 4, 5, 6);
        assertEquals(Load.TILE, FusedLoop.load(Shape.of(5, 6), root));
        assertEquals(Load.TILE, FusedLoop.load(Shape.of(1, 1, 5, 6), root));
        assertEquals(Load.TILE, FusedLoop.load(Shape.of(4, 5, 6), root));
        assertEquals(Load.ROW, FusedLoop.load(Shape.of(6), root), "one row stays a row");
        assertEquals(Load.ROW, FusedLoop.load(Shape.of(1, 6), root));
        assertNull(FusedLoop.load(Shape.of(3, 1, 5, 6), root), "a broadcast inside the leaf is not a tile");
        assertNull(FusedLoop.load(Shape.of(5, 1), root));
        assertTrue(FusedLoop.readableAs(Load.TILE, Shape.of(5, 6), Shape.of(7, 4, 5, 6)));
        assertFalse(FusedLoop.readableAs(Load.TILE, Shape.of(5, 6), Shape.of(3, 4, 6, 6)));
        assertFalse(FusedLoop.readableAs(Load.TILE, Shape.of(6), root));
    }

    /** Causal-masked attention weights over [b, 3, 5, 5] and a position table [5, 8] added to [b, 5, 8]. */
    private record MaskedGraph(Tensor w, Tensor pos, Tensor mask, TensorFn fn) {
        static MaskedGraph of(long seed) {
            Tensor w = Tensor.randn(seed, 8, 8).mul(0.5f).requiresGrad();
            Tensor pos = Tensor.randn(seed + 1, 5, 8).mul(0.3f).requiresGrad();
            float[] m = new float[25];
            for (int i = 0; i < 5; i++) for (int j = i + 1; j < 5; j++) m[i * 5 + j] = 1f;
            Tensor mask = Tensor.of(m, 5, 5);
            Tensor r = Tensor.randn(seed + 2, 5, 5);
            TensorFn fn = in -> {
                Tensor h = in[0].add(pos).matmul(w);                          // [b, 5, 8]
                Tensor q = h.reshape(in[0].shape().dim(0), 5, 2, 4).transpose(1, 2);  // [b, 2, 5, 4]
                Tensor scores = q.matmul(q.transpose(-2, -1)).mul(0.5f);      // [b, 2, 5, 5]
                Tensor att = scores.maskedFill(mask, Float.NEGATIVE_INFINITY).softmax(-1);
                return att.mul(r).sum();
            };
            return new MaskedGraph(w, pos, mask, fn);
        }

        static Tensor input(long seed, int batch) {
            return Tensor.randn(seed, batch, 5, 8);
        }
    }

    @Test
    void theMaskAndThePositionTableAreReadInsideLoops() {
        MaskedGraph g = MaskedGraph.of(3);
        Tensor x = MaskedGraph.input(11, 4);
        Engines.assertSameLossAndGradients(g.fn(), List.of(g.w(), g.pos()), x);
        Compiled step = Compiled.trace(g.fn());
        step.run(x);
        String steps = steps(step);
        assertFalse(steps.matches("(?s).*kernel %\\d+ = where\\(.*"), "no where runs as a kernel of its own:\n" + steps);
        assertFalse(steps.matches("(?s).*kernel %\\d+ = add\\(.*"), "the position add is fused:\n" + steps);
        assertEquals(2, count(steps, "= where("), "the forward mask and its gradient's:\n" + steps);
    }

    @Test
    void aDynamicBatchKeepsTheTileAndMatchesPerShapePrograms() {
        Compiled dyn = DynamicParity.assertSameTraining(seed -> {
            MaskedGraph g = MaskedGraph.of(seed);
            return new DynamicParity.Model(List.of(g.w(), g.pos()), g.fn());
        }, params -> new Adam(params, 1e-2f), Compiled::withDynamicBatch, s -> new Tensor[] {MaskedGraph.input(20 + s, s)},
                new int[] {3, 1, 6, 2, 6});
        assertEquals(1, dyn.compileCount(), "one program for every batch size: " + dyn.explain());
        assertFalse(steps(dyn).matches("(?s).*kernel %\\d+ = where\\(.*"), steps(dyn));
    }
}
