package org.jitgrad.ops;

import java.util.Arrays;
import org.jitgrad.tensor.RandomStream;
import org.jitgrad.tensor.Shape;

/**
 * The constant parameters of one op application, one small record per kind. Records compare by value,
 * so two applications with equal parameters are interchangeable (the compiler shares generated code
 * between them); {@link #toString()} is for listings only.
 */
public sealed interface OpParams {
    /** No parameters. */
    None NONE = new None();

    /** An op without parameters. */
    record None() implements OpParams {
        @Override
        public String toString() { return ""; }
    }

    /** A reduction, softmax or concatenation axis (already normalized to {@code 0..rank-1}). */
    record Axis(int axis, boolean keepDim) implements OpParams {
        @Override
        public String toString() { return "axis=" + axis + (keepDim ? " keepDim" : ""); }
    }

    /** A scalar operand: the exponent of pow, the factor of scale, the fill value. */
    record Scalar(float value) implements OpParams {
        @Override
        public String toString() { return "c=" + value; }
    }

    /** Matmul: use the transpose of the stored left / right operand (in their last two dimensions). */
    record Transposes(boolean transA, boolean transB) implements OpParams {
        @Override
        public String toString() { return ((transA ? "transA " : "") + (transB ? "transB" : "")).trim(); }
    }

    /** A target shape: reshape, broadcast-to, sum-to. */
    record Target(Shape shape) implements OpParams {
        @Override
        public String toString() { return "shape=" + shape; }
    }

    /** A permutation of the axes: output axis i is input axis {@code dims[i]}. */
    record Permutation(int[] dims) implements OpParams {
        public Permutation {
            dims = dims.clone();
        }

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

    /** The range {@code [start, end)} of one axis. */
    record Range(int axis, int start, int end) implements OpParams {
        @Override
        public String toString() { return "axis=" + axis + " [" + start + ":" + end + ")"; }
    }

    /**
     * Where a tensor goes inside a larger zero tensor: along {@code axis}, its elements start at
     * {@code start} of {@code fullLength} (the adjoint of a {@link Range} slice).
     */
    record Placement(int axis, int start, int fullLength) implements OpParams {
        @Override
        public String toString() { return "axis=" + axis + " at " + start + " of " + fullLength; }
    }

    /** A square 2-D pooling window: its side, the step between windows and the padding (convolutions use {@link Conv}). */
    record Window(int kernel, int stride, int padding) implements OpParams {
        @Override
        public String toString() { return "kernel=" + kernel + " stride=" + stride + " padding=" + padding; }
    }

    /** A 2-D convolution's stride and zero padding, the same along both spatial axes; the kernel is the weight's. */
    record Conv(int stride, int padding) implements OpParams {
        @Override
        public String toString() { return "stride=" + stride + " padding=" + padding; }
    }

    /**
     * A gradient op's view of the forward op it differentiates: that op's parameters and the shape of the operand
     * whose gradient it computes, which the gradient op's own inputs do not determine (with a stride above 1 several
     * input sizes give one output size).
     */
    record GradTarget(OpParams forward, Shape shape) implements OpParams {
        @Override
        public String toString() { return forward + " shape=" + shape; }
    }

    /**
     * A dropout mask: its shape, the drop probability {@code p} in {@code [0, 1)} and the stream it
     * draws from. Equal only with the same stream object (streams compare by identity): two masks
     * from one stream are still two draws.
     */
    record BernoulliMask(Shape shape, float p, RandomStream stream) implements OpParams {
        /** @throws IllegalArgumentException if {@code p} is not in {@code [0, 1)} */
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
