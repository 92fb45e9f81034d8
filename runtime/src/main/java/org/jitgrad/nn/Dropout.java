package org.jitgrad.nn;

import java.util.Map;
import org.jitgrad.tensor.RandomStream;
import org.jitgrad.tensor.Tensor;

/**
 * Dropout, as PyTorch's {@code nn.Dropout(p)}: in training mode each element is zeroed with
 * probability {@code p} and the others scaled by {@code 1/(1-p)}; in evaluation mode
 * ({@link #eval()}) the input passes unchanged. Unlike PyTorch, {@code p = 1} (zero everything) is refused.
 * The masks come from this module's own
 * {@link RandomStream}, so a compiled step draws a new mask on every call, and the tape and a compiled
 * step given the same seed and sequence of calls draw the same masks.
 *
 * <p>The mode is read each time a mask is drawn, not when a function is traced, so a step compiled in
 * one mode follows later switches: after {@code eval()} its masks keep every element.
 */
public final class Dropout implements Module {
    private final float p;
    private final RandomStream stream;

    /**
     * Dropout with probability {@code p}, drawing from a new stream seeded with {@code seed}.
     *
     * @param p    the probability of zeroing an element
     * @throws IllegalArgumentException if {@code p} is not in {@code [0, 1)}
     */
    public Dropout(float p, long seed) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("Dropout: probability p must be in [0, 1), got " + p);
        this.p = p;
        this.stream = new RandomStream(seed);
    }

    /**
     * {@link Tensor#dropout} with this module's {@code p} and stream: a new tensor of {@code x}'s shape (in
     * evaluation mode equal to {@code x}); {@code x} itself when {@code p} is 0.
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.dropout(p, stream);
    }

    /** Enables (training) or disables (evaluation) this module's stream. */
    @Override
    public void train(boolean on) {
        stream.setEnabled(on);
    }

    @Override
    public boolean isTraining() { return stream.isEnabled(); }

    /** The drop probability. */
    public float p() { return p; }

    /** The stream the masks are drawn from (its position can be saved and restored with a checkpoint). */
    public RandomStream stream() { return stream; }

    @Override
    public Map<String, Tensor> namedParameters() { return Module.noParameters(); }

    @Override
    public String toString() { return "Dropout(p=" + p + ")"; }
}
