package org.jitgrad.compile.emit;

import org.jitgrad.ops.Op;
import org.jitgrad.ops.OpParams;
import org.jitgrad.tensor.Shape;

/**
 * The default lowering of an op: everything the generated code passes to the op's own
 * {@link Op#forward}, fixed at compile time. The generated class holds one per kernel step and calls
 * {@code op.forward} through its own call site, so the JIT sees one op there and inlines its kernel.
 */
public final class KernelCall {
    final Op op;
    final OpParams params;
    final Shape[] inShapes;
    final Shape outShape;

    KernelCall(Op op, OpParams params, Shape[] inShapes, Shape outShape) {
        this.op = op;
        this.params = params;
        this.inShapes = inShapes;
        this.outShape = outShape;
    }

    int arity() { return inShapes.length; }
}
