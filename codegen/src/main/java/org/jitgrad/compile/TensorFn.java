package org.jitgrad.compile;

import org.jitgrad.tensor.Tensor;

/**
 * A function of tensors to trace: {@code (Tensor... inputs) -> Tensor}. It must compute its result
 * with tensor ops only; Java control flow that depends on tensor values cannot be traced.
 */
@FunctionalInterface
public interface TensorFn {
    /**
     * Computes the result from the inputs: a scalar loss for {@link Compiled#run}, any tensor for
     * {@link Compiled#forward}.
     */
    Tensor apply(Tensor... inputs);
}
