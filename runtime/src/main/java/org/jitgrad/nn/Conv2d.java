package org.jitgrad.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/**
 * A 2-D convolution layer on NCHW batches, as PyTorch's {@code nn.Conv2d} with square kernel, stride and padding:
 * weight {@code [out, in, kernel, kernel]}, optional bias {@code [out]}. Initialised like PyTorch's default: weight
 * and bias uniform in {@code ±1/sqrt(fanIn)} with {@code fanIn = in·kernel²}, from the given seed.
 */
public final class Conv2d implements Module {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A layer with PyTorch's default initialisation drawn from {@code seed}.
     *
     * @param in      input channels
     * @param out     output channels
     * @param kernel  the side of the square kernel
     * @param stride  the step between windows, along both axes
     * @param padding the zeros added on every side
     * @param bias    whether the layer has a bias
     * @throws IllegalArgumentException if a channel count, the kernel or the stride is below 1, or the padding is
     *                                  negative
     */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, long seed) {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d: channels, kernel and stride must be positive and padding >= 0,"
                    + " got in=" + in + " out=" + out + " kernel=" + kernel + " stride=" + stride + " padding=" + padding);
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        float bound = (float) (1.0 / Math.sqrt((double) in * kernel * kernel));
        this.weight = Tensor.uniform(seed, -bound, bound, out, in, kernel, kernel).requiresGrad();
        this.bias = bias ? Tensor.uniform(seed ^ 0x9E3779B97F4A7C15L, -bound, bound, out).requiresGrad() : null;
    }

    /**
     * A layer with stride 1, no padding and a bias.
     *
     * @throws IllegalArgumentException if a channel count or the kernel is below 1
     */
    public Conv2d(int in, int out, int kernel, long seed) {
        this(in, out, kernel, 1, 0, true, seed);
    }

    /**
     * Convolves a batch {@code [N, in, H, W]} into {@code [N, out, Ho, Wo]}.
     *
     * @throws org.jitgrad.tensor.ShapeException if the input is not rank 4 with {@code in} channels, or is smaller
     *                                           than the kernel after padding
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.conv2d(weight, bias, stride, padding);
    }

    /** The weight {@code [out, in, kernel, kernel]}. */
    public Tensor weight() { return weight; }

    /** The bias {@code [out]}, or null if the layer has none. */
    public Tensor bias() { return bias; }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", weight);
        if (bias != null) m.put("bias", bias);
        return m;
    }

    @Override
    public String toString() {
        return "Conv2d(" + in + ", " + out + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding
                + (bias == null ? ", bias=false" : "") + ")";
    }
}
