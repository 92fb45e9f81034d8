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
    /**
     * Applies {@code op} to the inputs: the tape computes it, the compiler adds a node.
     *
     * @throws org.jitgrad.tensor.ShapeException if the op's shape rule rejects the inputs
     */
    T apply(Op op, OpParams params, List<T> inputs);

    /** The shape of a value. */
    Shape shape(T value);

    /** A rank-0 constant. */
    T scalar(float value);

    /** Applies a one-input {@code op} to {@code a}. */
    default T apply(Op op, OpParams params, T a) { return apply(op, params, List.of(a)); }

    /** Applies a two-input {@code op} to {@code a} and {@code b}. */
    default T apply(Op op, OpParams params, T a, T b) { return apply(op, params, List.of(a, b)); }

    /** Applies a three-input {@code op} to {@code a}, {@code b} and {@code c}. */
    default T apply(Op op, OpParams params, T a, T b, T c) { return apply(op, params, List.of(a, b, c)); }

    /** {@code a + b}, broadcast. */
    default T add(T a, T b) { return apply(BinaryOp.ADD, OpParams.NONE, a, b); }

    /** {@code a - b}, broadcast. */
    default T sub(T a, T b) { return apply(BinaryOp.SUB, OpParams.NONE, a, b); }

    /** {@code a·b}, broadcast. */
    default T mul(T a, T b) { return apply(BinaryOp.MUL, OpParams.NONE, a, b); }

    /** {@code a / b}, broadcast. */
    default T div(T a, T b) { return apply(BinaryOp.DIV, OpParams.NONE, a, b); }

    /** {@code -a}. */
    default T neg(T a) { return apply(UnaryOp.NEG, OpParams.NONE, a); }

    /** {@code a·c} for a constant {@code c}. */
    default T scale(T a, float c) { return apply(UnaryOp.SCALE, new OpParams.Scalar(c), a); }

    /** {@code a^p} for a constant exponent {@code p}. */
    default T pow(T a, float p) { return apply(UnaryOp.POW, new OpParams.Scalar(p), a); }

    /** {@code a} in shape {@code s} (same element count); {@code a} itself when it already has that shape. */
    default T reshape(T a, Shape s) {
        return shape(a).equals(s) ? a : apply(ReshapeOp.RESHAPE, new OpParams.Target(s), a);
    }

    /** Sums a broadcast gradient back down to {@code target} (a no-op when the shapes are equal). */
    default T sumTo(T g, Shape target) {
        return shape(g).equals(target) ? g : apply(ReduceOp.SUM_TO, new OpParams.Target(target), g);
    }

    /** Repeats {@code g} along broadcast dimensions up to {@code target} (a no-op when the shapes are equal). */
    default T broadcastTo(T g, Shape target) {
        return shape(g).equals(target) ? g : apply(BroadcastOp.BROADCAST_TO, new OpParams.Target(target), g);
    }

    /** Broadcasts {@code g}, the gradient of a reduction of {@code target} over {@code axis}, back to {@code target}. */
    default T expand(T g, Shape target, int axis) {
        return broadcastTo(reshape(g, target.reduce(axis, true)), target);
    }
}
