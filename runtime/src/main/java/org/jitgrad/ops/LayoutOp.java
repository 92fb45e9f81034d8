package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.PermuteKernel;
import org.jitgrad.kernels.SliceKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * Ops that move elements without computing on them: a permutation of the axes, a range of one axis, and the range's
 * adjoint (placing a tensor inside a larger zero tensor). Each materializes a new contiguous tensor.
 */
public enum LayoutOp implements Op {
    /** Output axis {@code i} is input axis {@code dims[i]} ({@link OpParams.Permutation}, already normalized). */
    PERMUTE {
        @Override
        public Shape outputShape(OpParams params, Shape... in) {
            OpParams.Permutation p = (OpParams.Permutation) params;
            checkPermutation(p.dims(), p.dims(), in[0]);
            int[] out = new int[p.rank()];
            for (int i = 0; i < out.length; i++) out[i] = in[0].dim(p.axis(i));
            return Shape.of(out);
        }

        @Override
        public void forward(OpParams params, Shape[] s, float[][] in, Shape os, float[] out) {
            OpParams.Permutation p = (OpParams.Permutation) params;
            Shape x = s[0];
            int pad = Shape.MAX_RANK - x.rank();
            PermuteKernel.permute(in[0], paddedDim(x, 0, pad), paddedDim(x, 1, pad), paddedDim(x, 2, pad),
                    paddedDim(x, 3, pad), paddedAxis(p, 0, pad), paddedAxis(p, 1, pad), paddedAxis(p, 2, pad),
                    paddedAxis(p, 3, pad), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> x, T y, T g, boolean[] needs) {
            OpParams.Permutation p = (OpParams.Permutation) params;
            int[] inverse = new int[p.rank()];
            for (int i = 0; i < inverse.length; i++) inverse[p.axis(i)] = i;
            return Arrays.asList(b.apply(PERMUTE, new OpParams.Permutation(inverse), g));
        }
    },
    /** The elements {@code [start, end)} of one axis ({@link OpParams.Range}, axis already normalized). */
    SLICE {
        @Override
        public Shape outputShape(OpParams params, Shape... in) {
            OpParams.Range r = (OpParams.Range) params;
            int axis = normalizedAxis(r.axis(), in[0], "slice");
            checkRange(r.axis(), r.start(), r.end(), in[0].dim(axis), in[0]);
            return withDim(in[0], axis, r.end() - r.start());
        }

        @Override
        public void forward(OpParams params, Shape[] s, float[][] in, Shape os, float[] out) {
            OpParams.Range r = (OpParams.Range) params;
            int axis = r.axis();
            SliceKernels.slice(in[0], s[0].outer(axis), s[0].dim(axis), s[0].inner(axis), r.start(), r.end(), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> x, T y, T g, boolean[] needs) {
            OpParams.Range r = (OpParams.Range) params;
            int full = b.shape(x.get(0)).dim(r.axis());
            return Arrays.asList(b.apply(PAD, new OpParams.Placement(r.axis(), r.start(), full), g));
        }
    },
    /**
     * A zero tensor of length {@code fullLength} along the axis holding the input from {@code start}
     * ({@link OpParams.Placement}, axis already normalized): the adjoint of {@link #SLICE}.
     */
    PAD {
        @Override
        public Shape outputShape(OpParams params, Shape... in) {
            OpParams.Placement p = (OpParams.Placement) params;
            int axis = normalizedAxis(p.axis(), in[0], "pad");
            int len = in[0].dim(axis);
            if (p.start() < 0 || p.fullLength() < 0 || (long) p.start() + len > p.fullLength()) {
                throw new ShapeException("pad: cannot place " + in[0] + " at " + p.start() + " of a length-"
                        + p.fullLength() + " axis " + p.axis() + " (its " + len + " elements must fit between 0 and "
                        + p.fullLength() + ")");
            }
            return withDim(in[0], axis, p.fullLength());
        }

        @Override
        public void forward(OpParams params, Shape[] s, float[][] in, Shape os, float[] out) {
            OpParams.Placement p = (OpParams.Placement) params;
            int axis = p.axis();
            SliceKernels.pad(in[0], s[0].outer(axis), s[0].dim(axis), s[0].inner(axis), p.start(), p.fullLength(), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> x, T y, T g, boolean[] needs) {
            OpParams.Placement p = (OpParams.Placement) params;
            int len = b.shape(x.get(0)).dim(p.axis());
            return Arrays.asList(b.apply(SLICE, new OpParams.Range(p.axis(), p.start(), p.start() + len), g));
        }
    };

    @Override
    public int arity() { return 1; }

    /**
     * Normalizes {@code dims} (negative entries count from the end) into a permutation of the axes of {@code shape}.
     *
     * @throws ShapeException naming the dims and the shape unless they are a permutation of {@code 0..rank-1}
     */
    public static int[] normalizePermutation(int[] dims, Shape shape) {
        int rank = shape.rank();
        int[] normalized = new int[dims.length];
        for (int i = 0; i < dims.length; i++) normalized[i] = dims[i] < 0 ? dims[i] + rank : dims[i];
        checkPermutation(dims, normalized, shape);
        return normalized;
    }

    /** Throws naming {@code given} (the dims as the caller wrote them) unless {@code normalized} permutes the axes. */
    private static void checkPermutation(int[] given, int[] normalized, Shape shape) {
        int rank = shape.rank();
        boolean ok = normalized.length == rank;
        boolean[] seen = new boolean[rank];
        for (int i = 0; ok && i < rank; i++) {
            int a = normalized[i];
            ok = a >= 0 && a < rank && !seen[a];
            if (ok) seen[a] = true;
        }
        if (!ok) {
            throw new ShapeException("permute: dims " + Arrays.toString(given) + " are not a permutation of the "
                    + rank + " axes of shape " + shape + " (each of 0.." + (rank - 1) + ", or -" + rank
                    + "..-1, exactly once)");
        }
    }

    /**
     * Checks a slice {@code [start, end)} of an axis of length {@code len}.
     *
     * @param axis the axis as the caller gave it (for the message)
     * @throws ShapeException naming the axis, start, end and shape unless {@code 0 <= start <= end <= len}
     */
    public static void checkRange(int axis, int start, int end, int len, Shape shape) {
        if (start < 0 || start > end || end > len) {
            throw new ShapeException("slice: range [" + start + ", " + end + ") of axis " + axis + " does not fit shape "
                    + shape + " (the axis has length " + len + "; need 0 <= start <= end <= " + len + ")");
        }
    }

    /** {@code axis}, which the caller must already have normalized to {@code 0..rank-1}. */
    private static int normalizedAxis(int axis, Shape s, String op) {
        if (axis < 0) {
            throw new ShapeException(op + ": axis " + axis + " of shape " + s + " must be normalized to 0.."
                    + (s.rank() - 1) + " before the op is applied");
        }
        return s.normalizeAxis(axis, op);
    }

    private static Shape withDim(Shape s, int axis, int len) {
        int[] d = s.dims();
        d[axis] = len;
        return Shape.of(d);
    }

    /** Dimension {@code i} of {@code s} padded on the left with {@code pad} 1s. */
    private static int paddedDim(Shape s, int i, int pad) {
        return i < pad ? 1 : s.dim(i - pad);
    }

    /** Axis {@code i} of the permutation padded on the left with {@code pad} fixed axes. */
    private static int paddedAxis(OpParams.Permutation p, int i, int pad) {
        return i < pad ? i : p.axis(i - pad) + pad;
    }
}
