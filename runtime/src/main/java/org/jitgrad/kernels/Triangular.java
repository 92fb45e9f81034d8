package org.jitgrad.kernels;

/**
 * What a square product ({@link Gemm#matmulStrided}) knows about the zeros on one side of its diagonal, so that it
 * can skip them: causal attention multiplies by matrices that are zero above the diagonal (the probabilities, the
 * scores' gradient) and computes scores of which only the part on and below the diagonal is used. Skipping a term
 * {@code 0·b} leaves every sum as it was for finite {@code b} (the sums run in the same order; only the sign of a zero
 * result can differ); with an infinite or NaN {@code b} the skipped term would have made the sum NaN. Only the direct
 * kernels of small products skip; larger products compute every term (the structure then changes nothing).
 */
public enum Triangular {
    /** Nothing known: every term is computed. */
    NONE,
    /**
     * Only {@code C[i][j]} with {@code j <= i} is used: in the direct kernels, each group of 4 rows computes the pairs
     * of column vectors that reach its diagonal and writes zeros in those wholly above it.
     */
    LOWER_RESULT,
    /** {@code op(A)[i][p] = 0} for {@code p > i}: row {@code i} sums over {@code p <= i} only. */
    LOWER_A,
    /** {@code op(A)[i][p] = 0} for {@code p < i}: row {@code i} sums over {@code p >= i} only. */
    UPPER_A
}
