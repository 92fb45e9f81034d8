package org.jitgrad.ops;

import org.jitgrad.tensor.Shape;

/**
 * The constant parameters of one op application: an axis, a scalar, transpose flags or a target shape.
 * Fields an op does not use keep their defaults.
 *
 * @param axis    reduction or softmax axis, already normalized; -1 when unused
 * @param keepDim whether a reduction keeps the reduced axis with length 1
 * @param value   a scalar operand (the exponent of pow, the factor of scale)
 * @param transA  matmul: use the transpose of the stored left operand
 * @param transB  matmul: use the transpose of the stored right operand
 * @param shape   a target shape (reshape, expand, sum-to), or null
 */
public record Attrs(int axis, boolean keepDim, float value, boolean transA, boolean transB, Shape shape) {
    /** No parameters. */
    public static final Attrs NONE = new Attrs(-1, false, 0f, false, false, null);

    /** A reduction or softmax axis. */
    public static Attrs axis(int axis, boolean keepDim) {
        return new Attrs(axis, keepDim, 0f, false, false, null);
    }

    /** A scalar operand. */
    public static Attrs value(float value) {
        return new Attrs(-1, false, value, false, false, null);
    }

    /** Matmul transpose flags. */
    public static Attrs matmul(boolean transA, boolean transB) {
        return new Attrs(-1, false, 0f, transA, transB, null);
    }

    /** A target shape. */
    public static Attrs shape(Shape shape) {
        return new Attrs(-1, false, 0f, false, false, shape);
    }

    /** A target shape together with the axis it was reduced over (-1 for all axes). */
    public static Attrs shapeAndAxis(Shape shape, int axis) {
        return new Attrs(axis, false, 0f, false, false, shape);
    }

    /** A short human-readable form for listings, empty when there are no parameters. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (axis >= 0) sb.append("axis=").append(axis).append(keepDim ? " keepDim" : "");
        if (value != 0f) append(sb, "c=" + value);
        if (transA) append(sb, "transA");
        if (transB) append(sb, "transB");
        if (shape != null) append(sb, "shape=" + shape);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String s) {
        if (!sb.isEmpty()) sb.append(' ');
        sb.append(s);
    }
}
