package org.jitgrad.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;

/**
 * Layer normalization over the last dimension, as PyTorch's {@code nn.LayerNorm(dim)}:
 * {@code (x - mean) / sqrt(var + eps)} with the biased variance, then, with an elementwise affine
 * transform, {@code · weight (+ bias)}; the weight starts at ones and the bias at zeros.
 */
public final class LayerNorm implements Module {
    /** PyTorch's default epsilon. */
    public static final float DEFAULT_EPS = 1e-5f;

    private final int dim;
    private final float eps;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * PyTorch's defaults: {@code eps = 1e-5}, with a learnable weight and bias.
     *
     * @param dim the length of the last dimension normalized over
     * @throws IllegalArgumentException if {@code dim} is not positive
     */
    public LayerNorm(int dim) {
        this(dim, DEFAULT_EPS, true, true);
    }

    /**
     * A layer norm with the given epsilon and optional weight and bias.
     *
     * @param dim               the length of the last dimension normalized over
     * @param eps               added to the variance
     * @param elementwiseAffine whether there is a learnable weight (and possibly a bias)
     * @param bias              whether there is a learnable bias (only with {@code elementwiseAffine})
     * @throws IllegalArgumentException if {@code dim} is not positive, {@code eps} is negative or NaN, or
     *                                  a bias is asked for without the affine transform
     */
    public LayerNorm(int dim, float eps, boolean elementwiseAffine, boolean bias) {
        if (dim <= 0) throw new IllegalArgumentException("LayerNorm: dim must be positive, got " + dim);
        if (!(eps >= 0)) throw new IllegalArgumentException("LayerNorm: eps must be >= 0, got " + eps);
        if (bias && !elementwiseAffine) {
            throw new IllegalArgumentException("LayerNorm: a bias needs elementwiseAffine (the bias is part of the affine transform)");
        }
        this.dim = dim;
        this.eps = eps;
        this.weight = elementwiseAffine ? Tensor.ones(dim).requiresGrad() : null;
        this.bias = bias ? Tensor.zeros(dim).requiresGrad() : null;
    }

    /**
     * Normalizes {@code x} over its last dimension.
     *
     * @throws ShapeException if the last dimension of {@code x} is not {@code dim}
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.shape().lastDim() != dim) {
            throw new ShapeException("LayerNorm(" + dim + "): expects an input whose last dimension is " + dim + ", got "
                    + x.shape());
        }
        return x.layerNorm(weight, bias, eps);
    }

    /** The weight {@code [dim]}, or null without the affine transform. */
    public Tensor weight() { return weight; }

    /** The bias {@code [dim]}, or null without one. */
    public Tensor bias() { return bias; }

    /** The epsilon added to the variance. */
    public float eps() { return eps; }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        if (weight != null) m.put("weight", weight);
        if (bias != null) m.put("bias", bias);
        return m;
    }

    @Override
    public String toString() { return "LayerNorm(" + dim + ", eps=" + eps + ")"; }
}
