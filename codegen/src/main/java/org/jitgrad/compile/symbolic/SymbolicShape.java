package org.jitgrad.compile.symbolic;

import java.util.Arrays;
import org.jitgrad.tensor.Shape;

/** A shape whose dimensions are {@link Affine} in the dynamic size {@code s}, such as {@code [s, 784]}. */
public final class SymbolicShape {
    /** Sizes at which two shapes' element counts (polynomials of degree at most 4 in s) are compared. */
    private static final int[] COMPARE_AT = {1, 2, 3, 4, 5};

    private final Affine[] dims;
    /** The shape itself when no dimension depends on s (returned by {@link #at} without allocating). */
    private final Shape fixed;

    SymbolicShape(Affine[] dims) {
        this.dims = dims.clone();
        boolean constant = true;
        for (Affine d : dims) constant &= d.isConstant();
        if (constant) {
            int[] values = new int[dims.length];
            for (int i = 0; i < values.length; i++) values[i] = dims[i].constant();
            this.fixed = Shape.of(values);
        } else {
            this.fixed = null;
        }
    }

    public int rank() { return dims.length; }

    /** Dimension {@code axis} (0 to rank-1). */
    public Affine dim(int axis) { return dims[axis]; }

    /** Whether no dimension depends on s. */
    public boolean isFixed() { return fixed != null; }

    /**
     * The concrete shape at {@code s}; the same object every time when the shape is fixed.
     *
     * @throws ArithmeticException                       if a dimension overflows an int
     * @throws org.jitgrad.tensor.ShapeException if a dimension is negative or the element count overflows
     */
    public Shape at(int s) {
        if (fixed != null) return fixed;
        int[] values = new int[dims.length];
        for (int i = 0; i < values.length; i++) values[i] = dims[i].at(s);
        return Shape.of(values);
    }

    /** The element count at {@code s}, without allocating; dimensions must be non-negative there. */
    public long size(int s) {
        long n = 1;
        for (Affine d : dims) n *= d.at(s);
        return n;
    }

    /** Whether the two shapes have the same element count at every s. */
    public boolean sameSize(SymbolicShape other) {
        for (int s : COMPARE_AT) if (size(s) != other.size(s)) return false;
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SymbolicShape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(dims); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ", ").append(dims[i]);
        return sb.append(']').toString();
    }
}
