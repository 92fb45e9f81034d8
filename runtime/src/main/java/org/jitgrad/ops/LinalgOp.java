package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.Gemm;
import org.jitgrad.kernels.TransposeKernel;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/** Matrix product (batched, broadcast) and 2-D transpose. */
public enum LinalgOp implements Op {
    /**
     * {@code C = op(A)·op(B)} as {@code torch.matmul} for operands of rank 2 to 4: the last two dimensions of each
     * operand are a matrix, the dimensions before them are batch dimensions, broadcast together (NumPy's rule), so
     * {@code [B,T,C] x [C,D] -> [B,T,D]} and {@code [B,1,T,d] x [H,d,T] -> [B,H,T,T]}. {@code op} transposes the
     * last two dimensions of an operand when {@code transA()/transB()} of {@link OpParams.Transposes} is set, so that
     * the backward products {@code dA = dC·Bᵀ} and {@code dB = Aᵀ·dC} never materialise a transpose. Rank-1 (and
     * rank-0) operands are rejected: reshape a vector to {@code [1,k]} or {@code [k,1]}.
     *
     * <p>The forward pass is one {@link Gemm} call per product of the batch, reading each operand in place at its
     * offset; when the right operand is a single matrix and the left is not transposed, the whole left operand is one
     * {@code [batch*m, k]} matrix and the product is a single GEMM call.
     */
    MATMUL {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            Shape left = in[0], right = in[1];
            if (left.rank() < 2 || right.rank() < 2) {
                throw new ShapeException("matmul: both operands need rank 2 to 4 (a vector must be reshaped to [1,k]"
                        + " or [k,1]), got " + left + " and " + right);
            }
            int m = rows(left, ta(a)), k = cols(left, ta(a));
            int k2 = rows(right, tb(a)), n = cols(right, tb(a));
            if (k != k2) {
                throw new ShapeException("matmul: inner dimensions differ: " + left + (ta(a) ? "ᵀ" : "")
                        + " x " + right + (tb(a) ? "ᵀ" : "") + " (" + k + " != " + k2 + ")");
            }
            int batchRank = Math.max(left.rank(), right.rank()) - 2;
            int[] out = new int[batchRank + 2];
            for (int i = 0; i < batchRank; i++) {
                int da = batchDim(left, i, batchRank), db = batchDim(right, i, batchRank);
                if (da != db && da != 1 && db != 1) {
                    throw new ShapeException("matmul: batch dimensions of " + left + " and " + right
                            + " do not broadcast: " + da + " and " + db + " at batch axis " + i
                            + " (aligned from the last; each pair must be equal or 1)");
                }
                out[i] = da == 1 ? db : da;
            }
            out[batchRank] = m;
            out[batchRank + 1] = n;
            return Shape.of(out);
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            Shape left = s[0], right = s[1];
            int m = rows(left, ta(a)), k = cols(left, ta(a)), n = cols(right, tb(a));
            if (right.rank() == 2 && !ta(a)) {
                // the batch of left matrices is one tall matrix, all multiplied by the same right matrix
                Gemm.matmul(in[0], 0, false, in[1], 0, tb(a), out, 0, left.outer(left.rank() - 1), k, n, false);
                return;
            }
            int batch0 = batchDim(os, 0, 2), batch1 = batchDim(os, 1, 2);
            Gemm.matmulBatched(in[0], 0, batchStride(left, 0), batchStride(left, 1), ta(a),
                    in[1], 0, batchStride(right, 0), batchStride(right, 1), tb(a),
                    out, 0, batch0, batch1, m, k, n);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            T left = x.get(0), right = x.get(1);
            Shape leftShape = b.shape(left), rightShape = b.shape(right);
            T dA = null, dB = null;
            if (needs[0]) {
                dA = ta(a)
                        ? b.apply(MATMUL, new OpParams.Transposes(tb(a), true), right, g)
                        : b.apply(MATMUL, new OpParams.Transposes(false, !tb(a)), g, right);
                dA = b.sumTo(dA, leftShape);
            }
            if (needs[1]) {
                if (rightShape.rank() == 2 && leftShape.rank() > 2 && !ta(a)) {
                    // one weight shared by the whole batch: a single [k, batch*m] x [batch*m, n] product
                    int rows = leftShape.outer(leftShape.rank() - 1);
                    T left2 = b.reshape(left, Shape.of(rows, leftShape.lastDim()));
                    T g2 = b.reshape(g, Shape.of(rows, b.shape(g).lastDim()));
                    dB = tb(a)
                            ? b.apply(MATMUL, new OpParams.Transposes(true, false), g2, left2)
                            : b.apply(MATMUL, new OpParams.Transposes(true, false), left2, g2);
                } else {
                    dB = tb(a)
                            ? b.apply(MATMUL, new OpParams.Transposes(true, ta(a)), g, left)
                            : b.apply(MATMUL, new OpParams.Transposes(!ta(a), false), left, g);
                    dB = b.sumTo(dB, rightShape);
                }
            }
            return Arrays.asList(dA, dB);
        }
    },
    /** The transpose of a rank-2 tensor. */
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

    /** Rows of the matrix in the last two dimensions of {@code s}, transposed when {@code trans}. */
    private static int rows(Shape s, boolean trans) { return s.dim(trans ? -1 : -2); }

    /** Columns of the matrix in the last two dimensions of {@code s}, transposed when {@code trans}. */
    private static int cols(Shape s, boolean trans) { return s.dim(trans ? -2 : -1); }

    /**
     * Batch dimension {@code i} of {@code s} (its dimensions before the last two) padded on the left with 1s to
     * {@code batchRank} batch dimensions.
     */
    private static int batchDim(Shape s, int i, int batchRank) {
        int j = i - (batchRank - (s.rank() - 2));
        return j < 0 ? 1 : s.dim(j);
    }

    /**
     * The element stride of operand {@code s} along its batch dimension {@code i} (padded to two batch dimensions):
     * 0 where it has length 1, so that it is repeated across the output's batch.
     */
    private static int batchStride(Shape s, int i) {
        if (batchDim(s, i, 2) == 1) return 0;
        int stride = s.dim(-1) * s.dim(-2);
        for (int j = i + 1; j < 2; j++) stride *= batchDim(s, j, 2);
        return stride;
    }

    static boolean ta(OpParams p) { return ((OpParams.Transposes) p).transA(); }

    static boolean tb(OpParams p) { return ((OpParams.Transposes) p).transB(); }
}
