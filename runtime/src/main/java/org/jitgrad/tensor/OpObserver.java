package org.jitgrad.tensor;

import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.Op;

/**
 * Sees every op a thread applies while it is installed; the compiler's tracer is one. At most one
 * observer is installed per thread.
 */
public interface OpObserver {
    /** Called after {@code output} has been computed from {@code inputs}. */
    void onOp(Op op, OpParams params, Tensor[] inputs, Tensor output);

    /**
     * Called before a tensor's values are read into Java ({@code item()}, {@code toArray()}) or
     * before {@code backward()} runs; an observer that cannot allow it throws.
     *
     * @param what the operation about to read, such as {@code "item()"}, for messages
     */
    void onRead(Tensor tensor, String what);

    /**
     * Installs {@code observer} on this thread until the returned scope is closed.
     *
     * @throws IllegalStateException if an observer is already installed on this thread
     */
    static Scope install(OpObserver observer) {
        if (Holder.CURRENT.get() != null) {
            throw new IllegalStateException("an op observer (a trace) is already active on this thread; traces do not nest");
        }
        Holder.CURRENT.set(observer);
        return () -> Holder.CURRENT.remove();
    }

    /** The observer installed on this thread, or null. */
    static OpObserver current() {
        return Holder.CURRENT.get();
    }

    /** An installed observer; closing it uninstalls. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Holds the per-thread observer (interfaces cannot have private static fields). */
    final class Holder {
        private static final ThreadLocal<OpObserver> CURRENT = new ThreadLocal<>();

        private Holder() {}
    }
}
