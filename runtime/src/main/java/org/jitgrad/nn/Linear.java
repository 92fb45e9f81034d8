package org.jitgrad.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;

/**
 * A fully connected layer {@code y = x·W + b} with {@code W} of shape {@code [in, out]} (stored so the
 * forward product needs no transpose; PyTorch stores the transpose) and {@code b} of shape {@code [out]}
 * or no bias. The input is {@code [..., in]} of rank 2 or more: leading dimensions (batch, sequence) are kept.
 * Unlike PyTorch, a single unbatched vector {@code [in]} is refused with a {@code ShapeException}; give it as
 * {@code [1, in]}. Initialised like PyTorch's {@code nn.Linear}: both uniform in {@code ±1/sqrt(in)}, from the
 * given seed (with {@link java.util.Random}, so not PyTorch's values for the same seed).
 */
public final class Linear implements Module {
    private final int in;
    private final int out;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * A layer with a bias and PyTorch's default initialisation drawn from {@code seed}.
     *
     * @param in  input features, the input's last dimension
     * @param out output features
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int in, int out, long seed) {
        this(in, out, true, seed);
    }

    /**
     * A layer with or without a bias, PyTorch's default initialisation drawn from {@code seed}.
     *
     * @param in   input features, the input's last dimension
     * @param out  output features
     * @param bias whether the layer has a bias
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int in, int out, boolean bias, long seed) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + " out=" + out);
        this.in = in;
        this.out = out;
        float bound = (float) (1.0 / Math.sqrt(in));
        this.weight = Tensor.uniform(seed, -bound, bound, in, out).requiresGrad();
        this.bias = bias ? Tensor.uniform(seed ^ 0x9E3779B97F4A7C15L, -bound, bound, out).requiresGrad() : null;
    }

    /**
     * {@code x·W + b} for {@code x [..., in]}, giving {@code [..., out]}.
     *
     * @throws ShapeException if {@code x} has rank below 2 or its last dimension is not {@code in}
     */
    @Override
    public Tensor forward(Tensor x) {
        Shape s = x.shape();
        if (s.rank() < 2 || s.lastDim() != in) {
            throw new ShapeException("Linear(" + in + ", " + out + "): expects input [..., " + in + "] of rank 2 or more, got " + s);
        }
        Tensor y = x.matmul(weight);
        return bias == null ? y : y.add(bias);
    }

    /** The weight {@code [in, out]}. */
    public Tensor weight() { return weight; }

    /** The bias {@code [out]}, or null for a layer without one. */
    public Tensor bias() { return bias; }

    /** Input features. */
    public int inFeatures() { return in; }

    /** Output features. */
    public int outFeatures() { return out; }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", weight);
        if (bias != null) m.put("bias", bias);
        return m;
    }

    /** PyTorch's {@code nn.Linear}: {@code weight} transposed ({@code [out, in]}), {@code bias}. */
    @Override
    public Map<String, StateEntry> stateEntries() {
        Map<String, StateEntry> m = new LinkedHashMap<>();
        m.put("weight", StateEntry.transposedParameter(weight));
        if (bias != null) m.put("bias", StateEntry.parameter(bias));
        return m;
    }

    @Override
    public String toString() { return "Linear(" + in + ", " + out + (bias == null ? ", bias=false)" : ")"); }
}
