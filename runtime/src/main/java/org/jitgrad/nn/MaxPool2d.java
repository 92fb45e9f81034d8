package org.jitgrad.nn;

import java.util.Map;
import org.jitgrad.tensor.Tensor;

/** 2-D max pooling of NCHW batches without padding, as PyTorch's {@code nn.MaxPool2d}; no parameters. */
public final class MaxPool2d implements Module {
    private final int kernel;
    private final int stride;

    /**
     * Pools {@code kernel x kernel} windows, {@code stride} apart.
     *
     * @throws IllegalArgumentException if the kernel or the stride is below 1
     */
    public MaxPool2d(int kernel, int stride) {
        if (kernel <= 0 || stride <= 0) {
            throw new IllegalArgumentException("MaxPool2d: kernel and stride must be positive, got kernel=" + kernel
                    + " stride=" + stride);
        }
        this.kernel = kernel;
        this.stride = stride;
    }

    /**
     * Non-overlapping windows: the stride is the kernel, PyTorch's default.
     *
     * @throws IllegalArgumentException if the kernel is below 1
     */
    public MaxPool2d(int kernel) {
        this(kernel, kernel);
    }

    /**
     * {@link Tensor#maxPool2d} of {@code x [N, C, H, W]}.
     *
     * @throws org.jitgrad.tensor.ShapeException if {@code x} is not rank 4 or the window is larger than it
     */
    @Override
    public Tensor forward(Tensor x) { return x.maxPool2d(kernel, stride); }

    @Override
    public Map<String, Tensor> namedParameters() { return Module.noParameters(); }

    @Override
    public String toString() { return "MaxPool2d(kernel=" + kernel + ", stride=" + stride + ")"; }
}
