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
        public Shape outputShape(Attrs a, Shape... in) {
            if (in[0].rank() != 2 || in[1].rank() != 2) {
                throw new ShapeException("matmul: needs two matrices, got " + in[0] + " and " + in[1]);
            }
            int m = a.transA() ? in[0].dim(1) : in[0].dim(0);
            int k = a.transA() ? in[0].dim(0) : in[0].dim(1);
            int k2 = a.transB() ? in[1].dim(1) : in[1].dim(0);
            int n = a.transB() ? in[1].dim(0) : in[1].dim(1);
            if (k != k2) {
                throw new ShapeException("matmul: inner dimensions differ: " + in[0] + (a.transA() ? "ᵀ" : "")
                        + " x " + in[1] + (a.transB() ? "ᵀ" : "") + " (" + k + " != " + k2 + ")");
            }
            return Shape.of(m, n);
        }

        @Override
        public void forward(Attrs a, Shape[] s, float[][] in, Shape os, float[] out) {
            int k = a.transA() ? s[0].dim(0) : s[0].dim(1);
            Gemm.matmul(in[0], 0, a.transA(), in[1], 0, a.transB(), out, 0, os.dim(0), k, os.dim(1), false);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, Attrs a, List<T> x, T y, T g, boolean[] needs) {
            T left = x.get(0), right = x.get(1);
            T dA = null, dB = null;
            if (needs[0]) {
                dA = a.transA()
                        ? b.apply(MATMUL, Attrs.matmul(a.transB(), true), right, g)
                        : b.apply(MATMUL, Attrs.matmul(false, !a.transB()), g, right);
            }
            if (needs[1]) {
                dB = a.transB()
                        ? b.apply(MATMUL, Attrs.matmul(true, a.transA()), g, left)
                        : b.apply(MATMUL, Attrs.matmul(!a.transA(), false), left, g);
            }
            return Arrays.asList(dA, dB);
        }
    },
    TRANSPOSE {
        @Override
        public Shape outputShape(Attrs a, Shape... in) {
            if (in[0].rank() != 2) throw new ShapeException("transpose: needs a matrix, got " + in[0]);
            return Shape.of(in[0].dim(1), in[0].dim(0));
        }

        @Override
        public void forward(Attrs a, Shape[] s, float[][] in, Shape os, float[] out) {
            TransposeKernel.transpose(in[0], s[0].dim(0), s[0].dim(1), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, Attrs a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.apply(TRANSPOSE, Attrs.NONE, g));
        }
    };

    @Override
    public int arity() { return 1; }
}
