package org.jitgrad.ops;

import org.jitgrad.kernels.ConvKernels;
import org.jitgrad.kernels.PoolKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * The shape rules of convolution and pooling (NCHW): each checks its parameters and shapes, throwing before anything
 * is computed, with a message naming the op and the values or shapes at fault, and returns the output shape.
 */
final class WindowShapes {
    private WindowShapes() {}

    /**
     * The output {@code [n, co, ho, wo]} of convolving {@code x [n, c, h, w]} with {@code weight [co, c, kh, kw]}.
     *
     * @throws IllegalArgumentException for a stride below 1 or a negative padding
     * @throws ShapeException           for other ranks, an empty kernel, a channel mismatch, or a kernel larger than
     *                                  the padded input
     */
    static Shape conv(String op, Shape x, Shape weight, OpParams.Conv p) {
        int stride = p.stride(), pad = p.padding();
        if (stride <= 0) throw new IllegalArgumentException(op + ": stride must be positive, got " + stride);
        if (pad < 0) throw new IllegalArgumentException(op + ": padding must be >= 0, got " + pad);
        if (x.rank() != 4) throw new ShapeException(op + ": input must be [N, C, H, W] (rank 4), got " + x);
        if (weight.rank() != 4) {
            throw new ShapeException(op + ": weight must be [Cout, Cin, kh, kw] (rank 4), got " + weight);
        }
        if (weight.dim(2) == 0 || weight.dim(3) == 0) {
            throw new ShapeException(op + ": weight " + weight + " has an empty kernel");
        }
        if (x.dim(1) != weight.dim(1)) {
            throw new ShapeException(op + ": input " + x + " has " + x.dim(1) + " channels but weight " + weight
                    + " expects " + weight.dim(1));
        }
        long paddedH = x.dim(2) + 2L * pad, paddedW = x.dim(3) + 2L * pad;
        if (paddedH > Integer.MAX_VALUE || paddedW > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": padding " + pad + " is too large for input " + x);
        }
        if (weight.dim(2) > paddedH || weight.dim(3) > paddedW) {
            throw new ShapeException(op + ": kernel " + weight.dim(2) + "x" + weight.dim(3) + " of weight " + weight
                    + " is larger than input " + x + " with padding " + pad + " (" + paddedH + "x" + paddedW + ")");
        }
        int ho = ConvKernels.outSize(x.dim(2), weight.dim(2), stride, pad);
        int wo = ConvKernels.outSize(x.dim(3), weight.dim(3), stride, pad);
        long patches = (long) weight.dim(1) * weight.dim(2) * weight.dim(3) * ho * wo;
        if (patches > Integer.MAX_VALUE) {
            throw new ShapeException(op + ": one image's patch matrix for input " + x + " and weight " + weight
                    + " would hold " + patches + " floats, more than an array can");
        }
        return Shape.of(x.dim(0), weight.dim(0), ho, wo);
    }

    /**
     * The output {@code [n, c, ho, wo]} of pooling {@code x [n, c, h, w]} with a {@code k x k} window.
     *
     * @throws IllegalArgumentException for a kernel or stride below 1 or any padding
     * @throws ShapeException           for another rank or a window larger than the input
     */
    static Shape pool(String op, Shape x, OpParams.Window p) {
        int k = p.kernel(), stride = p.stride();
        if (k <= 0) throw new IllegalArgumentException(op + ": kernel must be positive, got " + k);
        if (stride <= 0) throw new IllegalArgumentException(op + ": stride must be positive, got " + stride);
        if (p.padding() != 0) {
            throw new IllegalArgumentException(op + ": padding is not supported, got " + p.padding());
        }
        if (x.rank() != 4) throw new ShapeException(op + ": input must be [N, C, H, W] (rank 4), got " + x);
        if (k > x.dim(2) || k > x.dim(3)) {
            throw new ShapeException(op + ": kernel " + k + "x" + k + " is larger than input " + x + " ("
                    + x.dim(2) + "x" + x.dim(3) + ")");
        }
        return Shape.of(x.dim(0), x.dim(1), PoolKernels.outSize(x.dim(2), k, stride),
                PoolKernels.outSize(x.dim(3), k, stride));
    }

    /**
     * Checks that a backward op's upstream gradient {@code g} has the forward output's shape {@code expected}.
     *
     * @throws ShapeException naming the op and both shapes otherwise
     */
    static void checkGradient(String op, Shape g, Shape expected, String forward) {
        if (!g.equals(expected)) {
            throw new ShapeException(op + ": gradient " + g + " does not match the output " + expected + " of " + forward);
        }
    }
}
