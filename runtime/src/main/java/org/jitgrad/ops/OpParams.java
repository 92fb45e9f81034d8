package org.jitgrad.ops;

import java.util.Arrays;
import org.jitgrad.tensor.RandomStream;
import org.jitgrad.tensor.Shape;

/**
 * The constant parameters of one op application, one small record per kind. Records compare by value,
 * so two applications with equal parameters are interchangeable (the compiler shares generated code
 * between them); {@code toString()} is for listings only.
 */
public sealed interface OpParams {
    /** No parameters. */
    None NONE = new None();

    /** An op without parameters. */
    record None() implements OpParams {
        @Override
        public String toString() { return ""; }
    }

    /**
     * A reduction, softmax or concatenation axis (already normalized to {@code 0..rank-1}).
     *
     * @param axis    the axis
     * @param keepDim whether a reduction keeps the axis with length 1 (softmax and concatenation ignore it)
     */
    record Axis(int axis, boolean keepDim) implements OpParams {
        @Override
        public String toString() { return "axis=" + axis + (keepDim ? " keepDim" : ""); }
    }

    /**
     * A scalar operand: the exponent of pow, the factor of scale, layer norm's epsilon.
     *
     * @param value the constant
     */
    record Scalar(float value) implements OpParams {
        @Override
        public String toString() { return "c=" + value; }
    }

    /**
     * Matmul: use the transpose of the stored left / right operand (in their last two dimensions).
     *
     * @param transA whether the left operand is read transposed
     * @param transB whether the right operand is read transposed
     */
    record Transposes(boolean transA, boolean transB) implements OpParams {
        @Override
        public String toString() { return ((transA ? "transA " : "") + (transB ? "transB" : "")).trim(); }
    }

    /**
     * A target shape: reshape, broadcast-to, sum-to.
     *
     * @param shape the output shape
     */
    record Target(Shape shape) implements OpParams {
        @Override
        public String toString() { return "shape=" + shape; }
    }

    /**
     * A permutation of the axes: output axis i is input axis {@code dims[i]}. Compares by the contents of
     * {@code dims}.
     *
     * @param dims the input axis of each output axis, non-negative (not checked here)
     */
    record Permutation(int[] dims) implements OpParams {
        /** Keeps a copy of {@code dims}. */
        public Permutation {
            dims = dims.clone();
        }

        /** A copy of the permutation. */
        @Override
        public int[] dims() { return dims.clone(); }

        /** The number of axes permuted. */
        public int rank() { return dims.length; }

        /** The input axis that becomes output axis {@code i} (no copy, for kernels). */
        public int axis(int i) { return dims[i]; }

        @Override
        public boolean equals(Object o) { return o instanceof Permutation p && Arrays.equals(dims, p.dims); }

        @Override
        public int hashCode() { return Arrays.hashCode(dims); }

        @Override
        public String toString() { return "dims=" + Arrays.toString(dims); }
    }

    /**
     * The range {@code [start, end)} of one axis.
     *
     * @param axis  the axis, normalized
     * @param start the first index kept
     * @param end   one past the last index kept
     */
    record Range(int axis, int start, int end) implements OpParams {
        @Override
        public String toString() { return "axis=" + axis + " [" + start + ":" + end + ")"; }
    }

    /**
     * Where a tensor goes inside a larger zero tensor: along {@code axis}, its elements start at
     * {@code start} of {@code fullLength} (the adjoint of a {@link Range} slice).
     *
     * @param axis       the axis, normalized
     * @param start      the index of the tensor's first element along the axis
     * @param fullLength the length of the larger tensor along the axis
     */
    record Placement(int axis, int start, int fullLength) implements OpParams {
        @Override
        public String toString() { return "axis=" + axis + " at " + start + " of " + fullLength; }
    }

    /**
     * A square 2-D pooling window (convolutions use {@link Conv}).
     *
     * @param kernel  the window's side
     * @param stride  the step between windows, along both axes
     * @param padding the zero padding on every side; the pooling ops accept only 0
     */
    record Window(int kernel, int stride, int padding) implements OpParams {
        @Override
        public String toString() { return "kernel=" + kernel + " stride=" + stride + " padding=" + padding; }
    }

    /**
     * A 2-D convolution's stride and zero padding, the same along both spatial axes; the kernel is the weight's.
     *
     * @param stride  the step between windows
     * @param padding the zeros added on every side
     */
    record Conv(int stride, int padding) implements OpParams {
        @Override
        public String toString() { return "stride=" + stride + " padding=" + padding; }
    }

    /**
     * A gradient op's view of the forward op it differentiates: that op's parameters and the shape of the operand
     * whose gradient it computes, which the gradient op's own inputs do not determine (with a stride above 1 several
     * input sizes give one output size).
     *
     * @param forward the forward op's parameters
     * @param shape   the shape of the operand whose gradient is computed
     */
    record GradTarget(OpParams forward, Shape shape) implements OpParams {
        @Override
        public String toString() { return forward + " shape=" + shape; }
    }

    /**
     * A dropout mask: its shape, the drop probability {@code p} in {@code [0, 1)} and the stream it
     * draws from. Equal only with the same stream object (streams compare by identity): two masks
     * from one stream are still two draws.
     *
     * @param shape  the mask's shape
     * @param p      the probability that an element is dropped
     * @param stream the random state the mask is drawn from
     */
    record BernoulliMask(Shape shape, float p, RandomStream stream) implements OpParams {
        /**
         * Checks the parameters.
         *
         * @throws NullPointerException     if {@code shape} or {@code stream} is null
         * @throws IllegalArgumentException if {@code p} is not in {@code [0, 1)}
         */
        public BernoulliMask {
            if (shape == null || stream == null) throw new NullPointerException("BernoulliMask: shape and stream are required");
            if (!(p >= 0f && p < 1f)) {
                throw new IllegalArgumentException("dropout: probability p must be in [0, 1), got " + p);
            }
        }

        @Override
        public String toString() { return "shape=" + shape + " p=" + p + " seed=" + stream.seed(); }
    }
}
