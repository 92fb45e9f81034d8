package org.jitgrad.ops;

import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * NumPy / PyTorch broadcasting: shapes are aligned at their last dimension; two dimensions fit when
 * they are equal or one of them is 1, which is then repeated. Kernels walk broadcast operands with
 * {@link #stride}: every shape is padded on the left to rank {@value #RANK}, and a repeated
 * dimension has stride 0.
 */
public final class Broadcast {
    /** The rank every shape is padded to for iteration. */
    public static final int RANK = Shape.MAX_RANK;

    private Broadcast() {}

    /**
     * The broadcast shape of {@code inputs}.
     *
     * @throws ShapeException naming {@code op} and the shapes when a dimension pair is neither equal nor 1
     */
    public static Shape shape(String op, Shape... inputs) {
        int rank = 0;
        for (Shape s : inputs) rank = Math.max(rank, s.rank());
        int[] out = new int[rank];
        java.util.Arrays.fill(out, 1);
        for (Shape s : inputs) {
            for (int i = 0; i < s.rank(); i++) {
                int axis = rank - s.rank() + i, d = s.dim(i);
                if (d == out[axis] || d == 1) continue;
                if (out[axis] != 1) throw incompatible(op, inputs);
                out[axis] = d;
            }
        }
        return Shape.of(out);
    }

    /** Whether {@code from} broadcasts to exactly {@code to}. */
    public static boolean broadcastsTo(Shape from, Shape to) {
        if (from.rank() > to.rank()) return false;
        for (int i = 0; i < from.rank(); i++) {
            int d = from.dim(i), t = to.dim(to.rank() - from.rank() + i);
            if (d != t && d != 1) return false;
        }
        return true;
    }

    private static ShapeException incompatible(String op, Shape... inputs) {
        StringBuilder sb = new StringBuilder(op.toLowerCase(java.util.Locale.ROOT)).append(": shapes ");
        for (int i = 0; i < inputs.length; i++) sb.append(i == 0 ? "" : " and ").append(inputs[i]);
        return new ShapeException(sb.append(" do not broadcast (each dimension, aligned from the last,"
                + " must be equal or 1)").toString());
    }

    /**
     * The element stride of {@code in} (row-major) along padded axis {@code axis} (0 to {@value #RANK}-1)
     * when read as if it had {@code out}'s shape: 0 along a repeated dimension. Computed, not stored, so
     * kernels call it per call without allocating.
     */
    public static int stride(Shape in, Shape out, int axis) {
        if (in.paddedDim(axis) == 1 && out.paddedDim(axis) != 1) return 0;
        int stride = 1;
        for (int i = axis + 1; i < RANK; i++) stride *= in.paddedDim(i);
        return stride;
    }
}
