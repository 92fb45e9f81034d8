package org.jitgrad.optim;

import java.util.List;
import org.jitgrad.kernels.GradNormKernels;
import org.jitgrad.tensor.Tensor;

/**
 * Gradient clipping by total L2 norm, as PyTorch's {@code torch.nn.utils.clip_grad_norm_}: the norm
 * of all gradients taken together is {@code sqrt(Σ g²)}; every gradient is multiplied by
 * {@code min(1, maxNorm / (norm + 1e-6))}. So gradients are scaled exactly when
 * {@code norm + 1e-6 > maxNorm}, and then their total norm becomes just under {@code maxNorm}.
 *
 * <p>As in PyTorch (with {@code error_if_nonfinite=False}), a NaN norm makes every gradient NaN and an
 * infinite norm scales by 0 (infinite elements become NaN); the returned norm tells the training loop.
 *
 * <p>The tape uses {@link #clipGradNorm}. The compiled step (see {@code Compiled.withGradClipping})
 * holds one instance, adds up the gradients' {@link GradNormKernels#sumOfSquares sums of squares} in
 * generated code and calls {@link #factor(double)}, which records the norm for
 * {@link #lastNorm()}; both then scale with {@link GradNormKernels#scale}.
 */
public final class GradClip {
    /** Added to the norm before dividing, as PyTorch does. */
    public static final float EPS = 1e-6f;

    private final float maxNorm;
    private volatile float lastNorm = Float.NaN;

    /**
     * A clipper for a compiled step.
     *
     * @throws IllegalArgumentException if {@code maxNorm} is not positive (or is NaN); infinity is
     *                                  allowed and only measures the norm
     */
    public GradClip(float maxNorm) {
        this.maxNorm = checkMaxNorm("GradClip", maxNorm);
    }

    /**
     * Clips the gradients of {@code parameters} in place so that their total L2 norm is at most
     * {@code maxNorm} (see the class comment). Parameters without a gradient are skipped.
     *
     * @param maxNorm the largest total norm allowed, positive; infinity only measures the norm
     * @return the total norm before clipping
     * @throws IllegalArgumentException if {@code maxNorm} is not positive (or is NaN), before any
     *                                  gradient is touched
     * @throws NullPointerException     if the list or a parameter in it is null, before any gradient is touched
     */
    public static float clipGradNorm(List<Tensor> parameters, float maxNorm) {
        checkMaxNorm("clipGradNorm", maxNorm);
        if (parameters == null) throw new NullPointerException("clipGradNorm: parameters is null");
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i) == null) throw new NullPointerException("clipGradNorm: parameter " + i + " is null");
        }
        double sumOfSquares = 0;
        for (Tensor p : parameters) {
            Tensor g = p.grad();
            if (g != null) sumOfSquares += GradNormKernels.sumOfSquares(g.storage(), g.size());
        }
        float norm = norm(sumOfSquares);
        float factor = factor(norm, maxNorm);
        for (Tensor p : parameters) {
            Tensor g = p.grad();
            if (g != null) GradNormKernels.scale(g.storage(), g.size(), factor);
        }
        return norm;
    }

    /**
     * For the compiled step: given the sum of squares of every gradient, records the total norm and
     * returns the factor to scale every gradient by (exactly 1 when no clipping is needed).
     */
    public float factor(double sumOfSquares) {
        float norm = norm(sumOfSquares);
        lastNorm = norm;
        return factor(norm, maxNorm);
    }

    /** The largest total norm allowed. */
    public float maxNorm() { return maxNorm; }

    /** The total norm (before clipping) at the last {@link #factor(double)} call, or NaN before the first. */
    public float lastNorm() { return lastNorm; }

    private static float norm(double sumOfSquares) {
        return (float) Math.sqrt(sumOfSquares);
    }

    /** PyTorch's {@code clamp(maxNorm / (norm + 1e-6), max=1)}: NaN stays NaN. */
    private static float factor(float norm, float maxNorm) {
        return Math.min(maxNorm / (norm + EPS), 1f);
    }

    private static float checkMaxNorm(String where, float maxNorm) {
        if (!(maxNorm > 0f)) {
            throw new IllegalArgumentException(where + ": maxNorm must be positive, got " + maxNorm);
        }
        return maxNorm;
    }

    @Override
    public String toString() { return "GradClip(maxNorm=" + maxNorm + ")"; }
}
