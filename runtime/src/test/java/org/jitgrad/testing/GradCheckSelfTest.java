package org.jitgrad.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.autograd.Eager;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.GradBuilder;
import org.jitgrad.ops.LinalgOp;
import org.jitgrad.ops.Op;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The checker must pass correct gradients and flag wrong ones, or its passes prove nothing. */
class GradCheckSelfTest {
    /** {@code y = x²} with a gradient scaled by {@code factor} (1 is correct). */
    private record Square(float factor) implements Op {
        public String name() { return "TEST_SQUARE"; }

        public int arity() { return 1; }

        public Shape outputShape(OpParams a, Shape... in) { return in[0]; }

        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            for (int i = 0; i < os.size(); i++) out[i] = in[0][i] * in[0][i];
        }

        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.scale(b.mul(g, x.get(0)), 2f * factor));
        }
    }

    /** A transpose whose backward forgot to transpose the gradient back. */
    private record SloppyTranspose() implements Op {
        public String name() { return "TEST_TRANSPOSE"; }

        public int arity() { return 1; }

        public Shape outputShape(OpParams a, Shape... in) { return Shape.of(in[0].dim(1), in[0].dim(0)); }

        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            LinalgOp.TRANSPOSE.forward(a, s, in, os, out);
        }

        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(g);
        }
    }

    private static final Tensor X = Tensor.of(Rand.uniform(1, 21, -2f, 2f), 3, 7);

    @Test
    void correctGradientPasses() {
        GradCheck.check("square", in -> Eager.apply(new Square(1f), OpParams.NONE, in[0]), X);
        assertTrue(GradCheck.run(in -> Eager.apply(new Square(1f), OpParams.NONE, in[0]), 7L, X).ok());
    }

    @Test
    void halvedGradientIsFlagged() {
        GradCheck.Result r = GradCheck.run(in -> Eager.apply(new Square(0.5f), OpParams.NONE, in[0]), 7L, X);
        assertFalse(r.ok(), r.worst());
        assertThrows(AssertionFailedError.class,
                () -> GradCheck.check("halved", in -> Eager.apply(new Square(0.5f), OpParams.NONE, in[0]), X));
    }

    @Test
    void slightlyWrongGradientIsFlagged() {
        // 3% off: beyond the 1% relative tolerance
        assertFalse(GradCheck.run(in -> Eager.apply(new Square(1.03f), OpParams.NONE, in[0]), 7L, X).ok());
    }

    @Test
    void missingTransposeIsFlagged() {
        Tensor square = Tensor.of(Rand.uniform(2, 25, -1f, 1f), 5, 5);
        GradCheck.Result r = GradCheck.run(in -> Eager.apply(new SloppyTranspose(), OpParams.NONE, in[0]), 7L, square);
        assertFalse(r.ok(), r.worst());
    }

    @Test
    void missingAccumulationIsFlagged() {
        // y = x·x where the rule only returns one branch's contribution
        GradCheck.Result r = GradCheck.run(in -> Eager.apply(new Square(0.5f), OpParams.NONE, in[0]).add(in[0]), 7L, X);
        assertFalse(r.ok(), r.worst());
    }
}
