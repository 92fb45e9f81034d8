package org.jitgrad.kernels;

/**
 * Per-thread packing buffers: one A sliver ({@code MR x kc}), one B panel ({@code kc x nc}, in {@code NR}-wide
 * slivers) and one edge scratch tile. Created once per thread and grown only when a larger block is first seen, so a
 * steady-state call allocates nothing. Never shared between threads.
 */
final class GemmWorkspace {
    private static final ThreadLocal<GemmWorkspace> PER_THREAD = ThreadLocal.withInitial(GemmWorkspace::new);

    float[] aPack = new float[0];
    float[] bPack = new float[0];
    /** Edge tile: {@code MR x NR}, row stride {@code NR}. */
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

    float[] bPack(int size) {
        if (bPack.length < size) {
            bPack = new float[size];
        }
        return bPack;
    }
}
