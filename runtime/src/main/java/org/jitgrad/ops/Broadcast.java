package org.jitgrad.ops;

import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * The broadcast forms a two-input elementwise op accepts. Only the unambiguous ones:
 * equal shapes; a one-element tensor (a scalar) with anything; and a row, {@code [n]} or {@code [1,n]},
 * over a tensor of rank 2 or more whose last dimension is {@code n} (a bias over a batch).
 * Anything else is a {@link ShapeException}: nothing is broadcast silently.
 */
public enum Broadcast {
    /** Both inputs have the output's shape. */
    SAME,
    /** The left input is a single element. */
    SCALAR_LEFT,
    /** The right input is a single element. */
    SCALAR_RIGHT,
    /** The left input is one row repeated over the right input's rows. */
    ROW_LEFT,
    /** The right input is one row repeated over the left input's rows. */
    ROW_RIGHT;

    /**
     * Finds the form that combines {@code a} and {@code b}.
     *
     * @throws ShapeException naming {@code op} and both shapes when no supported form applies
     */
    public static Broadcast of(String op, Shape a, Shape b) {
        if (a.equals(b)) return SAME;
        if (b.size() == 1 && b.rank() <= a.rank()) return SCALAR_RIGHT;
        if (a.size() == 1 && a.rank() <= b.rank()) return SCALAR_LEFT;
        if (isRowOver(b, a)) return ROW_RIGHT;
        if (isRowOver(a, b)) return ROW_LEFT;
        throw new ShapeException(op + ": cannot combine shapes " + a + " and " + b
                + " (supported: equal shapes, a one-element tensor with any shape,"
                + " or a row [n] / [1,n] over a tensor whose last dimension is n)");
    }

    private static boolean isRowOver(Shape row, Shape full) {
        boolean rowShape = row.rank() == 1 || (row.rank() == 2 && row.dim(0) == 1);
        return rowShape && full.rank() >= 2 && full.lastDim() == row.lastDim();
    }

    /** The shape of the result. */
    public Shape outputShape(Shape a, Shape b) {
        return switch (this) {
            case SAME, SCALAR_RIGHT, ROW_RIGHT -> a;
            case SCALAR_LEFT, ROW_LEFT -> b;
        };
    }
}
