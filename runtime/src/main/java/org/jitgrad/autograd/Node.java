package org.jitgrad.autograd;

import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.Op;
import org.jitgrad.tensor.Tensor;

/**
 * One recorded op on the tape: what was applied to which inputs. Released (its inputs dropped) once
 * a backward pass has gone through it.
 */
public final class Node {
    private static final java.util.concurrent.atomic.AtomicLong CREATED = new java.util.concurrent.atomic.AtomicLong();
    private final long sequence = CREATED.getAndIncrement();
    private final Op op;
    private final OpParams params;
    private Tensor[] inputs;

    Node(Op op, OpParams params, Tensor[] inputs) {
        this.op = op;
        this.params = params;
        this.inputs = inputs;
    }

    /** Creation order: a node is always created after the nodes of its inputs. */
    long sequence() { return sequence; }

    /** The op that computed the output. */
    public Op op() { return op; }

    /** The op's parameters. */
    public OpParams params() { return params; }

    /** The inputs, or null once released. */
    Tensor[] inputs() { return inputs; }

    /** Whether a backward pass has released this node. */
    public boolean isReleased() { return inputs == null; }

    void release() { inputs = null; }
}
