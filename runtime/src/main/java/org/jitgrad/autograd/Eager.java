package org.jitgrad.autograd;

import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.Op;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.OpObserver;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/** Applies an op at once: checks shapes, runs the kernel, records a tape node if gradients flow. */
public final class Eager {
    private Eager() {}

    /**
     * Computes {@code op(inputs)} into a new tensor. Shapes are checked before anything is computed or recorded. A
     * tape node is recorded when an input tracks gradients, the op has a gradient and no
     * {@link org.jitgrad.tensor.NoGrad} scope is open; an installed {@link org.jitgrad.tensor.OpObserver} then sees the op.
     *
     * @param params the op's parameters, of the record type the op expects
     * @return the output, owning a fresh array
     * @throws org.jitgrad.tensor.ShapeException naming the op and shapes when they do not fit
     * @throws IllegalArgumentException          if the number of inputs does not match the op's arity
     * @throws NullPointerException              if an input is null
     */
    public static Tensor apply(Op op, OpParams params, Tensor... inputs) {
        if (op.arity() == Op.VARIADIC ? inputs.length == 0 : inputs.length != op.arity()) {
            throw new IllegalArgumentException(op.name() + ": expects " + (op.arity() == Op.VARIADIC ? "at least 1"
                    : String.valueOf(op.arity())) + " inputs, got " + inputs.length);
        }
        Shape[] shapes = new Shape[inputs.length];
        float[][] data = new float[inputs.length][];
        boolean tracks = false;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) throw new NullPointerException(op.name() + ": input " + i + " is null");
            shapes[i] = inputs[i].shape();
            data[i] = inputs[i].storage();
            tracks |= inputs[i].tracksGrad();
        }
        Shape outShape = op.outputShape(params, shapes);
        float[] out = new float[outShape.size()];
        op.forward(params, shapes, data, outShape, out);
        Node node = tracks && op.hasGradient() && NoGrad.isGradEnabled() ? new Node(op, params, inputs.clone()) : null;
        Tensor result = Tensor.computed(outShape, out, node);
        OpObserver observer = OpObserver.current();
        if (observer != null) observer.onOp(op, params, inputs, result);
        return result;
    }
}
