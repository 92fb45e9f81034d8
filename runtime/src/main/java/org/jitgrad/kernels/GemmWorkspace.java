package org.jitgrad.kernels;

/**
 * Per-thread packing buffers: one A block (up to {@code MC x KC}, in {@code MR}-row slivers, at most 2 MB), one B
 * panel (up to {@code KC x NC}, in {@code NR}-wide slivers, 512 KB), the edge block of a column-split region (its
 * rows by {@code NR}) and one edge scratch tile. Created once per thread and grown only when a larger block is first
 * seen, so a steady-state call allocates nothing. Never shared between threads.
 */
final class GemmWorkspace {
    private static final ThreadLocal<GemmWorkspace> PER_THREAD = ThreadLocal.withInitial(GemmWorkspace::new);

    /** Packed A block; grown by {@link #aPack(int)}. */
    float[] aPack = new float[0];
    /** Packed B panel; grown by {@link #bPack(int)}. */
    float[] bPack = new float[0];
    /** Edge block of a column-split region (see {@link GemmBlocking#computeRegion}); grown by {@link #edge(int)}. */
    private float[] edge = new float[0];
    /** Edge tile: {@code MR x NR}, row stride {@code NR}. */
    /** Whether this thread is running a part of {@link Parallel#run} (its products then stay on it). */
    boolean insideParallelPart;

    final float[] scratch = new float[GemmMicroKernel.MR * GemmMicroKernel.NR];

    /** The calling thread's workspace. */
    static GemmWorkspace current() {
        return PER_THREAD.get();
    }

    float[] aPack(int size) {
        if (aPack.length < size) {
            aPack = new float[size];
        }
        return aPack;
    }

    float[] edge(int size) {
        if (edge.length < size) {
            edge = new float[size];
        }
        return edge;
    }

    float[] bPack(int size) {
        if (bPack.length < size) {
            bPack = new float[size];
        }
        return bPack;
    }
}
