package org.jitgrad.compile.emit;

import org.jitgrad.ops.Op;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.Shape;

/**
 * The default lowering of an op: everything the generated code passes to the op's own
 * {@link Op#forward}. The generated class holds one per kernel step and calls {@code op.forward}
 * through its own call site, so the JIT sees one op there and inlines its kernel. A program of one
 * shape fixes the parameters and shapes at compile time; a program with a dynamic dimension gives each
 * instance its own copies ({@link #copy}) and rebinds them when the size changes ({@link #bind}).
 */
public final class KernelCall {
    final Op op;
    OpParams params;
    final Shape[] inShapes;
    Shape outShape;

    KernelCall(Op op, OpParams params, Shape[] inShapes, Shape outShape) {
        this.op = op;
        this.params = params;
        this.inShapes = inShapes.clone();
        this.outShape = outShape;
    }

    int arity() { return inShapes.length; }

    /** A call of the same op with its own parameters and shapes, for one instance of the generated class. */
    public KernelCall copy() {
        return new KernelCall(op, params, inShapes, outShape);
    }

    /**
     * Makes the following calls pass these parameters and shapes (for another value of the dynamic
     * size); copies the shapes into this call's own array, allocating nothing.
     *
     * @throws IllegalArgumentException if the number of input shapes is not the op's
     */
    public void bind(OpParams params, Shape[] inShapes, Shape outShape) {
        if (inShapes.length != this.inShapes.length) {
            throw new IllegalArgumentException("bind " + op.name() + ": " + inShapes.length + " input shapes for "
                    + this.inShapes.length + " inputs");
        }
        this.params = params;
        System.arraycopy(inShapes, 0, this.inShapes, 0, inShapes.length);
        this.outShape = outShape;
    }
}
