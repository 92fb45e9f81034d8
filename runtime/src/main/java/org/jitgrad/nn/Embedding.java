package org.jitgrad.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/**
 * A lookup table of {@code numEmbeddings} vectors of size {@code dim}: {@code forward(ids)} maps ids
 * of any shape (rank at most 3, integral values stored as floats) to {@code ids.shape + [dim]}.
 * Initialised like PyTorch's {@code nn.Embedding}: standard normal, from the given seed. The weight
 * may be shared with another module (a language model's output head, {@code x.matmul(w.transpose())}):
 * gradients of both uses add up.
 */
public final class Embedding implements Module {
    private final Tensor weight;

    /**
     * A table with standard normal entries drawn from {@code seed}.
     *
     * @param numEmbeddings the number of rows (the largest id plus one)
     * @param dim           the size of each vector
     * @throws IllegalArgumentException if a size is not positive
     */
    public Embedding(int numEmbeddings, int dim, long seed) {
        if (numEmbeddings <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: sizes must be positive, got numEmbeddings=" + numEmbeddings
                    + " dim=" + dim);
        }
        this.weight = Tensor.randn(seed, numEmbeddings, dim).requiresGrad();
    }

    /**
     * The rows of the weight selected by {@code ids}: shape {@code ids.shape + [dim]}. See {@link Tensor#embedding}.
     *
     * @throws IllegalArgumentException if an id is not an integer in {@code [0, numEmbeddings)}
     * @throws org.jitgrad.tensor.ShapeException if the ids' rank exceeds 3
     */
    @Override
    public Tensor forward(Tensor ids) {
        return Tensor.embedding(weight, ids);
    }

    /** The table {@code [numEmbeddings, dim]} (a parameter). */
    public Tensor weight() { return weight; }

    /** Number of rows. */
    public int numEmbeddings() { return weight.shape().dim(0); }

    /** Size of each vector. */
    public int dim() { return weight.shape().dim(1); }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", weight);
        return m;
    }

    @Override
    public String toString() { return "Embedding(" + numEmbeddings() + ", " + dim() + ")"; }
}
