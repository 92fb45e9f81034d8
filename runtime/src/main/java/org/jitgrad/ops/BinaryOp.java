package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.BinaryKernels;
import org.jitgrad.tensor.Shape;

/**
 * Elementwise two-input ops with the broadcast forms of {@link Broadcast}. Each constant names its three
 * span kernels and its local gradient; a broadcast input's gradient is summed back to its own shape.
 */
public enum BinaryOp implements Op {
    ADD {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.addVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.addVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.addVS(b, bo, s, o, oo, n); }
        <T> T[] grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            out[0] = g;
            out[1] = g;
            return out;
        }
    },
    SUB {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.subVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.subVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.subSV(s, b, bo, o, oo, n); }
        <T> T[] grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            out[0] = g;
            if (needs[1]) out[1] = bld.neg(g);
            return out;
        }
    },
    MUL {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.mulVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.mulVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.mulVS(b, bo, s, o, oo, n); }
        <T> T[] grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            if (needs[0]) out[0] = bld.mul(g, b);
            if (needs[1]) out[1] = bld.mul(g, a);
            return out;
        }
    },
    DIV {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.divVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.divVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.divSV(s, b, bo, o, oo, n); }
        <T> T[] grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            if (needs[0]) out[0] = bld.div(g, b);
            if (needs[1]) out[1] = bld.neg(bld.mul(g, bld.div(y, b)));   // d(a/b)/db = -(a/b)/b
            return out;
        }
    },
    /**
     * Elementwise maximum. The gradient goes to the larger input; on a tie ({@code a == b}) all of it
     * goes to the first input {@code a}.
     */
    MAXIMUM {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maxVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.maxVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maxVS(b, bo, s, o, oo, n); }
        <T> T[] grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            T toA = bld.mul(g, bld.apply(GE_MASK, Attrs.NONE, a, b));
            if (needs[0]) out[0] = toA;
            if (needs[1]) out[1] = bld.sub(g, toA);
            return out;
        }
    },
    /** {@code a >= b ? 1 : 0}; used by the gradient of {@link #MAXIMUM}. Its own gradient is zero. */
    GE_MASK {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.geMaskVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.geMaskVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.geMaskSV(s, b, bo, o, oo, n); }
        <T> T[] grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) { return out; }
    };

    abstract void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n);

    abstract void vs(float[] a, int ao, float s, float[] o, int oo, int n);

    abstract void sv(float s, float[] b, int bo, float[] o, int oo, int n);

    /** Fills {@code out[i]} with the gradient for input i, at the output's (broadcast) shape. */
    abstract <T> T[] grads(GradBuilder<T> b, T a, T bIn, T y, T g, boolean[] needs, T[] out);

    @Override
    public int arity() { return 2; }

    @Override
    public Shape outputShape(Attrs attrs, Shape... in) {
        return Broadcast.of(name().toLowerCase(java.util.Locale.ROOT), in[0], in[1]).outputShape(in[0], in[1]);
    }

    @Override
    public void forward(Attrs attrs, Shape[] s, float[][] in, Shape outShape, float[] out) {
        float[] a = in[0], b = in[1];
        int n = outShape.size();
        int cols = outShape.lastDim();
        switch (Broadcast.of(name(), s[0], s[1])) {
            case SAME -> vv(a, 0, b, 0, out, 0, n);
            case SCALAR_RIGHT -> vs(a, 0, b[0], out, 0, n);
            case SCALAR_LEFT -> sv(a[0], b, 0, out, 0, n);
            case ROW_RIGHT -> { for (int r = 0; r < n; r += cols) vv(a, r, b, 0, out, r, cols); }
            case ROW_LEFT -> { for (int r = 0; r < n; r += cols) vv(a, 0, b, r, out, r, cols); }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> List<T> backward(GradBuilder<T> b, Attrs attrs, List<T> inputs, T output, T grad, boolean[] needs) {
        T x = inputs.get(0), z = inputs.get(1);
        T[] full = grads(b, x, z, output, grad, needs, (T[]) new Object[2]);
        return Arrays.asList(needs[0] && full[0] != null ? b.sumTo(full[0], b.shape(x)) : null,
                needs[1] && full[1] != null ? b.sumTo(full[1], b.shape(z)) : null);
    }

}
