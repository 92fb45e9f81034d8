package org.jitgrad.compile.passes;

import java.util.Arrays;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.tensor.Shape;

/**
 * A value seen as a strided window into another value's buffer: element {@code (i_0, .., i_r)} lies at
 * {@code offset + sum(i_d * strides[d])} of {@code base}'s (contiguous) buffer. Slices, reshapes and permutations
 * compose into one view, so a chain of them need not copy anything when its consumer reads strided operands.
 *
 * @param base    the value whose buffer holds the elements
 * @param offset  where element {@code (0, .., 0)} lies
 * @param dims    the view's shape
 * @param strides the distance between neighbours along each axis
 */
public record View(IrNode base, int offset, int[] dims, int[] strides) {
    /** {@code n} itself: its shape, contiguous (row-major) strides. */
    public static View whole(IrNode n) {
        int[] dims = n.shape().dims();
        int[] strides = new int[dims.length];
        for (int d = dims.length - 1, s = 1; d >= 0; s *= dims[d], d--) strides[d] = s;
        return new View(n, 0, dims, strides);
    }

    public int rank() { return dims.length; }

    /** The elements {@code [start, end)} along {@code axis}. */
    public View slice(int axis, int start, int end) {
        int[] d = dims.clone();
        d[axis] = end - start;
        return new View(base, offset + start * strides[axis], d, strides);
    }

    /** Axis {@code i} of the result is axis {@code axes[i]} of this view. */
    public View permute(int[] axes) {
        int[] d = new int[axes.length], s = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            d[i] = dims[axes[i]];
            s[i] = strides[axes[i]];
        }
        return new View(base, offset, d, s);
    }

    /**
     * The same elements in row-major order as {@code shape}, or null when no strides express that: a run of axes
     * that are contiguous with one another can be merged and split at will, but a split of the row-major order
     * across a gap between runs cannot.
     */
    public View reshape(Shape shape) {
        int[] to = shape.dims();
        int[] s = new int[to.length];
        int out = to.length - 1;
        int in = dims.length - 1;
        while (in >= 0) {
            // a run of input axes, each stride the product of the ones inside it
            long runSize = dims[in];
            int innerStride = strides[in];
            while (in > 0 && (dims[in - 1] == 1 || strides[in - 1] == runSize * innerStride)) {
                in--;
                runSize *= dims[in];
            }
            in--;
            long covered = 1;
            while (out >= 0 && covered < runSize) {
                s[out] = (int) (covered * innerStride);
                covered *= to[out];
                out--;
            }
            if (covered != runSize) return null;
        }
        while (out >= 0) {
            if (to[out] != 1) return null;
            s[out--] = 1;
        }
        return new View(base, offset, to, s);
    }

    /** Whether this is all of {@code base}, in its order. */
    public boolean isWhole() {
        return offset == 0 && equals(whole(base));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof View v && v.base == base && v.offset == offset && Arrays.equals(v.dims, dims)
                && Arrays.equals(v.strides, strides);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * System.identityHashCode(base) + offset) + Arrays.hashCode(strides);
    }

    @Override
    public String toString() {
        return base.ref() + "[+" + offset + " " + Arrays.toString(dims) + " by " + Arrays.toString(strides) + "]";
    }
}
