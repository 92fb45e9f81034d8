package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.Gemm;
import org.jitgrad.kernels.TransposeKernel;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/** Matrix product and 2-D transpose. */
public enum LinalgOp implements Op {
    /**
     * {@code C = op(A)·op(B)} where {@code op} transposes when {@code attrs.transA()/transB()} is set, so
     * that the backward products {@code dA = dC·Bᵀ} and {@code dB = Aᵀ·dC} never materialise a transpose.
     */
    MATMUL {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            if (in[0].rank() != 2 || in[1].rank() != 2) {
                throw new ShapeException("matmul: needs two matrices, got " + in[0] + " and " + in[1]);
            }
            int m = ta(a) ? in[0].dim(1) : in[0].dim(0);
            int k = ta(a) ? in[0].dim(0) : in[0].dim(1);
            int k2 = tb(a) ? in[1].dim(1) : in[1].dim(0);
            int n = tb(a) ? in[1].dim(0) : in[1].dim(1);
            if (k != k2) {
                throw new ShapeException("matmul: inner dimensions differ: " + in[0] + (ta(a) ? "ᵀ" : "")
                        + " x " + in[1] + (tb(a) ? "ᵀ" : "") + " (" + k + " != " + k2 + ")");
            }
            return Shape.of(m, n);
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int k = ta(a) ? s[0].dim(0) : s[0].dim(1);
            Gemm.matmul(in[0], 0, ta(a), in[1], 0, tb(a), out, 0, os.dim(0), k, os.dim(1), false);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            T left = x.get(0), right = x.get(1);
            T dA = null, dB = null;
            if (needs[0]) {
                dA = ta(a)
                        ? b.apply(MATMUL, new OpParams.Transposes(tb(a), true), right, g)
                        : b.apply(MATMUL, new OpParams.Transposes(false, !tb(a)), g, right);
            }
            if (needs[1]) {
                dB = tb(a)
                        ? b.apply(MATMUL, new OpParams.Transposes(true, ta(a)), g, left)
                        : b.apply(MATMUL, new OpParams.Transposes(!ta(a), false), left, g);
            }
            return Arrays.asList(dA, dB);
        }
    },
    TRANSPOSE {
        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            if (in[0].rank() != 2) throw new ShapeException("transpose: needs a matrix, got " + in[0]);
            return Shape.of(in[0].dim(1), in[0].dim(0));
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            TransposeKernel.transpose(in[0], s[0].dim(0), s[0].dim(1), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.apply(TRANSPOSE, OpParams.NONE, g));
        }
    };

    @Override
    public int arity() { return 1; }

    static boolean ta(OpParams p) { return ((OpParams.Transposes) p).transA(); }

    static boolean tb(OpParams p) { return ((OpParams.Transposes) p).transB(); }
}
