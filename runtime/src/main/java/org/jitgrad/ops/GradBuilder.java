package org.jitgrad.ops;

import java.util.List;
import org.jitgrad.tensor.Shape;

/**
 * What a gradient rule builds with. The tape's builder computes each op at once; the compiler's builder
 * adds a node to the backward graph. Rules use only the helpers here, so they read like the maths.
 *
 * @param <T> a concrete tensor (tape) or a graph node (compiler)
 */
public interface GradBuilder<T> {
    /** Applies {@code op} to the inputs. */
    T apply(Op op, Attrs attrs, List<T> inputs);

    /** The shape of a value. */
    Shape shape(T value);

    default T apply(Op op, Attrs attrs, T a) { return apply(op, attrs, List.of(a)); }

    default T apply(Op op, Attrs attrs, T a, T b) { return apply(op, attrs, List.of(a, b)); }

    default T apply(Op op, Attrs attrs, T a, T b, T c) { return apply(op, attrs, List.of(a, b, c)); }

    default T add(T a, T b) { return apply(BinaryOp.ADD, Attrs.NONE, a, b); }

    default T sub(T a, T b) { return apply(BinaryOp.SUB, Attrs.NONE, a, b); }

    default T mul(T a, T b) { return apply(BinaryOp.MUL, Attrs.NONE, a, b); }

    default T div(T a, T b) { return apply(BinaryOp.DIV, Attrs.NONE, a, b); }

    default T neg(T a) { return apply(UnaryOp.NEG, Attrs.NONE, a); }

    default T scale(T a, float c) { return apply(UnaryOp.SCALE, Attrs.value(c), a); }

    default T pow(T a, float p) { return apply(UnaryOp.POW, Attrs.value(p), a); }

    /** Sums a broadcast gradient back down to {@code target} (a no-op when the shapes are equal). */
    default T sumTo(T g, Shape target) {
        return shape(g).equals(target) ? g : apply(ReduceOp.SUM_TO, Attrs.shape(target), g);
    }

    /** Broadcasts {@code g}, reduced over {@code axis} (-1: all axes), back to {@code target}. */
    default T expand(T g, Shape target, int axis) {
        return apply(ReduceOp.EXPAND, Attrs.shapeAndAxis(target, axis), g);
    }
}
