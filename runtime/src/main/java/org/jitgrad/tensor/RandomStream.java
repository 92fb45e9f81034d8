package org.jitgrad.tensor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of a random op that lives in the compiled step: a seed and a draw counter. Each
 * application of a random op (one dropout mask) takes the next draw number, and its values are a pure
 * function of {@code (seed, draw, element index)}; so the tape and a compiled step that make the same
 * sequence of draws see the same masks, and a compiled step draws a new mask on every call (the
 * counter, not a frozen tensor, is what the traced graph holds).
 *
 * <p>Tracing does not consume draws: while the compiler runs a function to trace it, positions are
 * held (see {@link #holdPositions()}), so the first compiled call draws what the tape's next call
 * would. A disabled stream draws nothing and its random ops keep every element: that is how a
 * module's eval mode reaches a compiled step whose graph was traced once.
 *
 * <p>A compiled step makes its draws in the order the function made them while traced. A random op
 * whose result the function does not use is dead code there and draws nothing, while the tape draws
 * it: keep unused draws out of traced functions if the engines are to stay in step.
 *
 * <p>Ops compare their parameters by value, but streams by identity: two streams with one seed are
 * two independent states. Draws are atomic, so concurrent compiled {@code forward} calls each get
 * their own draw (in an unspecified order).
 */
public final class RandomStream {
    private static final ThreadLocal<int[]> HELD = ThreadLocal.withInitial(() -> new int[1]);

    private final long seed;
    private final AtomicLong position = new AtomicLong();
    private volatile boolean enabled = true;

    /** A stream at position 0. */
    public RandomStream(long seed) {
        this.seed = seed;
    }

    /** The seed. */
    public long seed() { return seed; }

    /** The number of draws made so far: the draw number the next random op will use. */
    public long position() { return position.get(); }

    /**
     * Moves to {@code position} (for resuming from a checkpoint, or replaying a sequence of draws).
     *
     * @throws IllegalArgumentException if {@code position} is negative
     */
    public void seek(long position) {
        if (position < 0) throw new IllegalArgumentException("RandomStream.seek: position must be >= 0, got " + position);
        this.position.set(position);
    }

    /** Whether random ops on this stream draw (training) or keep every element (evaluation). */
    public boolean isEnabled() { return enabled; }

    /** Enables (training) or disables (evaluation) the random ops that read this stream. */
    public void setEnabled(boolean enabled) { this.enabled = enabled; }

    /**
     * For kernels: the draw number of this application, advancing the stream unless positions are
     * held on this thread.
     */
    public long nextDraw() {
        return HELD.get()[0] > 0 ? position.get() : position.getAndIncrement();
    }

    /**
     * Holds every stream's position on this thread until the returned scope is closed: random ops
     * still draw (from the current positions) but do not advance. The tracer holds positions while it
     * runs the traced function, so tracing does not consume draws. Scopes nest.
     */
    public static Hold holdPositions() {
        int[] depth = HELD.get();
        depth[0]++;
        return new Hold(depth);
    }

    /** A scope in which positions are held; closing it (once) releases it. */
    public static final class Hold implements AutoCloseable {
        private final int[] depth;
        private boolean closed;

        private Hold(int[] depth) {
            this.depth = depth;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                depth[0]--;
            }
        }
    }

    @Override
    public String toString() {
        return "RandomStream(seed=" + seed + ", position=" + position.get() + (enabled ? "" : ", disabled") + ")";
    }
}
