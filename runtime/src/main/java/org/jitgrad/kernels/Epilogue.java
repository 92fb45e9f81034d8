package org.jitgrad.kernels;

/**
 * Element-wise activation applied by {@link Gemm#matmul(float[], int, boolean, float[], int, boolean, float[], int,
 * int, int, int, boolean, float[], int, Epilogue)} to every element of the product after the optional bias was added:
 * {@code c = act(c + bias[col])}.
 */
public enum Epilogue {
    /** Identity: {@code c = c + bias[col]}. */
    NONE,
    /** Rectified linear unit: {@code c = max(0, c + bias[col])}. */
    RELU,
    /** Hyperbolic tangent: {@code c = tanh(c + bias[col])}. */
    TANH
}
