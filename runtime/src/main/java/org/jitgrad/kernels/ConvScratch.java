package org.jitgrad.kernels;

/**
 * Per-thread scratch of the convolution kernels: the patch matrix (see {@link Im2col}), the zero-padded copy of an
 * image it is read from, and the gradient or output staged channel-major for one batched product. Each grows when a larger convolution is first seen and is then
 * reused, so a steady-state call allocates nothing. Never shared between threads.
 */
final class ConvScratch {
    private static final ThreadLocal<ConvScratch> PER_THREAD = ThreadLocal.withInitial(ConvScratch::new);

    private float[] patches = new float[0];
    private float[] staged = new float[0];
    private float[] padded = new float[0];

    /** The calling thread's scratch. */
    static ConvScratch current() {
        return PER_THREAD.get();
    }

    /** Room for a patch matrix of {@code size} floats; the contents are undefined. */
    float[] patches(int size) {
        if (patches.length < size) patches = new float[size];
        return patches;
    }

    /** Room for a zero-padded copy of an image of {@code size} floats; the contents are undefined. */
    float[] padded(int size) {
        if (padded.length < size) padded = new float[size];
        return padded;
    }

    /** Room for {@code size} staged floats; the contents are undefined. */
    float[] staged(int size) {
        if (staged.length < size) staged = new float[size];
        return staged;
    }
}
