package org.jitgrad.ops;

import java.util.List;
import org.jitgrad.tensor.Shape;

/**
 * One tensor operation, defined in one place: its shape rule, its forward kernel and its local gradient
 * rule, side by side. The tape calls {@link #forward} at once; the compiler calls the same method from
 * the generated code (its default lowering), and fuses {@link ElementwiseOp}s into vector loops.
 *
 * <p>The gradient rule is written once against {@link GradBuilder}: the tape applies it to concrete
 * tensors, the compiler applies it to IR nodes, so the two engines cannot drift apart. The project's
 * ops are enums listed in {@link Ops#FAMILIES}.
 */
public interface Op {
    /** The op's name as it appears in error messages and listings. */
    String name();

    /** {@link #arity()} of an op that takes any number of inputs, one or more. */
    int VARIADIC = -1;

    /** Number of tensor inputs, or {@link #VARIADIC}. */
    int arity();

    /**
     * The output shape for these input shapes. Both engines call it before {@link #forward}, so the kernel may
     * assume shapes that fit.
     *
     * @param params the op's parameters, of the record type this op expects
     * @param inputs the input shapes, in input order
     * @throws org.jitgrad.tensor.ShapeException naming this op and the shapes when they do not fit
     */
    Shape outputShape(OpParams params, Shape... inputs);

    /**
     * Computes the output values into {@code out} (which has {@code outShape.size()} or more elements).
     * Called by both engines; must not allocate per call in steady state (scratch space is thread-local).
     *
     * @param inShapes the input shapes, already accepted by {@link #outputShape}
     * @param in       the input values, row-major, one array per input (possibly longer than the shape needs)
     * @param outShape the shape {@link #outputShape} returned
     * @param out      where to write the first {@code outShape.size()} values; its old contents are arbitrary (a
     *                 compiled step reuses buffers), so every one of them must be written
     */
    void forward(OpParams params, Shape[] inShapes, float[][] in, Shape outShape, float[] out);

    /**
     * Whether gradients flow through this op at all. False for comparisons: their results track no
     * gradient (as in PyTorch), so neither engine records or differentiates them.
     */
    default boolean hasGradient() { return true; }

    /**
     * The local gradient rule: given the upstream gradient of the output, builds the gradient of each
     * input that {@code needs} asks for (the others are left null).
     *
     * @param <T>    the builder's value type: a tensor on the tape, an IR node in the compiler
     * @param b      what the rule builds the gradients with
     * @param inputs the forward inputs
     * @param output the forward output, for rules that reuse it (exp, tanh, softmax)
     * @param grad   the upstream gradient, of the output's shape
     * @param needs  per input, whether its gradient is wanted
     * @return a list with one entry per input, null where no gradient is built; each gradient has its input's
     *         shape (a rule for a broadcasting op sums it back, see {@link GradBuilder#sumTo})
     */
    <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> inputs, T output, T grad, boolean[] needs);
}
