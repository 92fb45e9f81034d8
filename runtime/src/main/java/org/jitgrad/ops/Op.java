package org.jitgrad.ops;

import java.util.List;
import org.jitgrad.tensor.Shape;

/**
 * One tensor operation: its shape rule, its forward kernel and its local gradient rule, side by side.
 *
 * <p>The gradient rule is written once against {@link GradBuilder}: the tape applies it to concrete
 * tensors, the compiler applies it to IR nodes, so the two engines cannot drift apart.
 */
public interface Op {
    /** The op's name as it appears in error messages and listings. */
    String name();

    /** Number of tensor inputs. */
    int arity();

    /**
     * The output shape for these input shapes.
     *
     * @throws org.jitgrad.tensor.ShapeException naming this op and the shapes when they do not fit
     */
    Shape outputShape(Attrs attrs, Shape... inputs);

    /** Computes the output values into {@code out} (which has {@code outShape.size()} or more elements). */
    void forward(Attrs attrs, Shape[] inShapes, float[][] in, Shape outShape, float[] out);

    /**
     * The local gradient rule: given the upstream gradient of the output, builds the gradient of each
     * input that {@code needs} asks for (the others are left null).
     *
     * @return a list of {@link #arity()} entries, null where no gradient is built
     */
    <T> List<T> backward(GradBuilder<T> b, Attrs attrs, List<T> inputs, T output, T grad, boolean[] needs);

}
