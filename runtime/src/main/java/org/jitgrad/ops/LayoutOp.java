package org.jitgrad.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.PermuteKernel;
import org.jitgrad.kernels.SliceKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * Ops that move elements without computing on them: a permutation of the axes, a range of one axis, the range's
 * adjoint (placing a tensor inside a larger zero tensor) and the joining of tensors along an axis. Each materializes
 * a new contiguous tensor.
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
    },
    /**
     * The inputs joined along one axis ({@link OpParams.Axis}, already normalized), as {@code torch.cat}: every input
     * has the same rank and the same dimensions except along that axis. Takes any number of inputs (one or more).
     */
    CONCAT {
        @Override
        public int arity() { return VARIADIC; }

        @Override
        public Shape outputShape(OpParams params, Shape... in) {
            int axis = ((OpParams.Axis) params).axis();
            if (in.length == 0) throw new ShapeException("cat: needs at least one tensor");
            Shape first = in[0];
            if (axis < 0 || axis >= first.rank()) {
                throw new ShapeException("cat: axis " + axis + " is out of range for shape " + first + " (rank "
                        + first.rank() + "; the axis must be normalized to 0.." + (first.rank() - 1) + ")");
            }
            return concatShape(axis, axis, in);
        }

        @Override
        public void forward(OpParams params, Shape[] s, float[][] in, Shape os, float[] out) {
            int axis = ((OpParams.Axis) params).axis();
            int outer = os.outer(axis), inner = os.inner(axis), row = os.dim(axis) * inner;
            int at = 0;
            for (int k = 0; k < in.length; k++) {
                int run = s[k].dim(axis) * inner;
                SliceKernels.place(in[k], outer, run, row, at, out);
                at += run;
            }
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> x, T y, T g, boolean[] needs) {
            int axis = ((OpParams.Axis) params).axis();
            List<T> grads = new ArrayList<>(x.size());
            int start = 0;
            for (int k = 0; k < x.size(); k++) {
                int len = b.shape(x.get(k)).dim(axis);
                grads.add(needs[k] ? b.apply(SLICE, new OpParams.Range(axis, start, start + len), g) : null);
                start += len;
            }
            return grads;
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

    /**
     * The shape of {@code parts} joined along {@code axis} (normalized).
     *
     * @param givenAxis the axis as the caller wrote it (for the message)
     * @throws ShapeException naming the shapes unless every part has the rank and the dimensions of part 0 except
     *                        along the axis, or if the joined axis would be too long
     */
    public static Shape concatShape(int givenAxis, int axis, Shape... parts) {
        Shape first = parts[0];
        long total = 0;
        for (int i = 0; i < parts.length; i++) {
            Shape s = parts[i];
            boolean fits = s.rank() == first.rank();
            for (int d = 0; fits && d < s.rank(); d++) fits = d == axis || s.dim(d) == first.dim(d);
            if (!fits) {
                throw new ShapeException("cat: part " + i + " has shape " + s + " but part 0 has shape " + first
                        + "; along axis " + givenAxis + " every part needs rank " + first.rank()
                        + " and the same dimensions except on that axis");
            }
            total += s.dim(axis);
        }
        if (total > Integer.MAX_VALUE) throw new ShapeException("cat: joined axis " + givenAxis + " would have " + total + " elements");
        return withDim(first, axis, (int) total);
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
