package org.jitgrad.ops;

import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * NumPy / PyTorch broadcasting: shapes are aligned at their last dimension; two dimensions fit when
 * they are equal or one of them is 1, which is then repeated. Kernels walk broadcast operands with
 * {@link #strides}: every shape is padded on the left to rank {@value #RANK}, and a repeated
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

    /** {@code out}'s dimensions padded on the left with 1s to rank {@value #RANK}. */
    public static int[] dims(Shape out) {
        int[] d = new int[RANK];
        java.util.Arrays.fill(d, 1);
        for (int i = 0; i < out.rank(); i++) d[RANK - out.rank() + i] = out.dim(i);
        return d;
    }

    /**
     * Element strides of {@code in} (row-major) read as if it had {@code out}'s shape: padded to rank
     * {@value #RANK}, 0 along every dimension that is repeated.
     */
    public static int[] strides(Shape in, Shape out) {
        int[] d = dims(in), o = dims(out), st = new int[RANK];
        int stride = 1;
        for (int i = RANK - 1; i >= 0; i--) {
            st[i] = d[i] == 1 && o[i] != 1 ? 0 : stride;
            stride *= d[i];
        }
        return st;
    }
}
