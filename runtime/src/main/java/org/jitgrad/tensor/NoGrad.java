package org.jitgrad.tensor;

/**
 * A scope in which operations record no graph, for inference and parameter updates:
 * {@code try (NoGrad ignored = NoGrad.enter()) { ... }}. Scopes nest and are per thread.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private final int[] depth;
    private boolean closed;

    private NoGrad(int[] depth) {
        this.depth = depth;
    }

    /** Enters a no-grad scope on this thread; close it, on the same thread, to leave (closing twice is harmless). */
    public static NoGrad enter() {
        int[] d = DEPTH.get();
        d[0]++;
        return new NoGrad(d);
    }

    /** Whether operations on this thread currently record gradients. */
    public static boolean isGradEnabled() {
        return DEPTH.get()[0] == 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            depth[0]--;
        }
    }
}
