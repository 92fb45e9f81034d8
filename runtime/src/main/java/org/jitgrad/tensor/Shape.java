package org.jitgrad.tensor;

import java.util.Arrays;

/**
 * The dimensions of a dense row-major tensor: rank 0 (a scalar) to {@value #MAX_RANK}.
 * Immutable; equal shapes compare equal.
 */
public final class Shape {
    /** Highest rank a tensor may have. */
    public static final int MAX_RANK = 4;
    /** The shape of a scalar: rank 0, one element. */
    public static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final int size;
    /** The dimensions padded on the left with 1s to rank {@value #MAX_RANK}, for broadcast iteration. */
    private final int[] padded = new int[MAX_RANK];

    private Shape(int[] dims) {
        this.dims = dims;
        java.util.Arrays.fill(padded, 1);
        System.arraycopy(dims, 0, padded, MAX_RANK - dims.length, dims.length);
        long n = 1;
        for (int d : dims) n *= d;
        this.size = (int) n;
    }

    /**
     * Makes a shape, checking rank and dimensions.
     *
     * @throws ShapeException if the rank exceeds {@value #MAX_RANK}, a dimension is negative,
     *                        or the element count overflows an int
     */
    public static Shape of(int... dims) {
        if (dims.length == 0) return SCALAR;
        if (dims.length > MAX_RANK) {
            throw new ShapeException("rank " + dims.length + " of shape " + Arrays.toString(dims)
                    + " exceeds the maximum rank " + MAX_RANK);
        }
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new ShapeException("negative dimension in shape " + Arrays.toString(dims));
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new ShapeException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
            }
        }
        return new Shape(dims.clone());
    }

    /** Number of dimensions. */
    public int rank() { return dims.length; }

    /** Number of elements (1 for a scalar). */
    public int size() { return size; }

    /**
     * Length of dimension {@code axis}; negative axes count from the end.
     *
     * @throws ShapeException if the axis is out of range
     */
    public int dim(int axis) { return dims[normalizeAxis(axis)]; }

    /** The dimensions, as a copy. */
    public int[] dims() { return dims.clone(); }

    /**
     * Dimension {@code axis} of this shape padded on the left with 1s to rank {@value #MAX_RANK}
     * ({@code 0 <= axis < MAX_RANK}); kernels walk broadcast operands in that frame.
     */
    public int paddedDim(int axis) { return padded[axis]; }

    /** The last dimension, or 1 for a scalar. */
    public int lastDim() { return dims.length == 0 ? 1 : dims[dims.length - 1]; }

    /**
     * Converts a possibly negative axis into {@code 0..rank-1}.
     *
     * @throws ShapeException naming the axis and this shape if it is out of range
     */
    public int normalizeAxis(int axis) {
        return normalizeAxis(axis, null);
    }

    /**
     * Like {@link #normalizeAxis(int)}, naming {@code op} in the error message.
     *
     * @param op the op's name for the message, or null for none
     * @throws ShapeException naming the op, the axis and this shape if the axis is out of range
     */
    public int normalizeAxis(int axis, String op) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new ShapeException((op == null ? "" : op + ": ") + "axis " + axis + " is out of range for shape " + this
                    + " (rank " + dims.length + ")");
        }
        return a;
    }

    /** Product of the dimensions before {@code axis} (axis already normalized). */
    public int outer(int axis) {
        int n = 1;
        for (int i = 0; i < axis; i++) n *= dims[i];
        return n;
    }

    /** Product of the dimensions after {@code axis} (axis already normalized). */
    public int inner(int axis) {
        int n = 1;
        for (int i = axis + 1; i < dims.length; i++) n *= dims[i];
        return n;
    }

    /**
     * This shape with {@code axis} (negative counts from the end) removed, or set to 1 when {@code keepDim}.
     *
     * @throws ShapeException if the axis is out of range
     */
    public Shape reduce(int axis, boolean keepDim) {
        int a = normalizeAxis(axis);
        if (keepDim) {
            int[] d = dims.clone();
            d[a] = 1;
            return new Shape(d);
        }
        int[] d = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) if (i != a) d[j++] = dims[i];
        return new Shape(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(dims); }

    @Override
    public String toString() { return Arrays.toString(dims); }
}
