package org.jitgrad.compile.emit;

import org.jitgrad.compile.ir.IrNode;

/**
 * Where the emitters take the sizes of values from. {@link #FIXED} reads every size off the node's
 * shape as a constant (one program per shape); a program with a dynamic dimension gives the sizes
 * that depend on it as size-table entries, read at run time.
 */
public interface Extents {
    /** Every size a compile-time constant, from the nodes' shapes. */
    Extents FIXED = new Extents() {
        @Override
        public Extent dim(IrNode n, int axis) { return Extent.of(n.shape().dim(axis)); }

        @Override
        public Extent rows(IrNode n) {
            int last = n.shape().lastDim();
            return Extent.of(last == 0 ? 0 : n.shape().size() / last);
        }

        @Override
        public Extent size(IrNode n) { return Extent.of(n.shape().size()); }

        @Override
        public boolean isFixed(IrNode n) { return true; }
    };

    /** Dimension {@code axis} (0 to rank-1) of {@code n}. */
    Extent dim(IrNode n, int axis);

    /** The product of all dimensions of {@code n} but the last (1 for a scalar). */
    Extent rows(IrNode n);

    /** The element count of {@code n}. */
    Extent size(IrNode n);

    /** Whether {@code n}'s shape is the same at every call. */
    boolean isFixed(IrNode n);
}
