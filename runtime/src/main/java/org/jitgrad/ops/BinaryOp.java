package org.jitgrad.ops;


import java.util.Arrays;
import jdk.incubator.vector.VectorOperators;
import java.util.List;
import org.jitgrad.kernels.BinaryKernels;
import org.jitgrad.ops.LaneBuilder.Comparison;
import org.jitgrad.tensor.Shape;

/**
 * Elementwise two-input ops with NumPy broadcasting ({@link Broadcast}). Each constant names its span
 * kernels ({@code vv}: two vectors, {@code vs}: vector and scalar, {@code sv}: scalar and vector), its
 * lane rule and its local gradient; a broadcast input's gradient is summed back to its own shape.
 */
public enum BinaryOp implements ElementwiseOp {
    /** {@code a + b}. */
    ADD {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.addVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.addVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.addVS(b, bo, s, o, oo, n); }
        <V> V lane(LaneBuilder<V> l, V a, V b) { return l.add(a, b); }
        <T> void grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            out[0] = g;
            out[1] = g;
        }
    },
    /** {@code a - b}. */
    SUB {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.subVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.subVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.subSV(s, b, bo, o, oo, n); }
        <V> V lane(LaneBuilder<V> l, V a, V b) { return l.sub(a, b); }
        <T> void grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            out[0] = g;
            if (needs[1]) out[1] = bld.neg(g);
        }
    },
    /** {@code a·b}. */
    MUL {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.mulVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.mulVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.mulVS(b, bo, s, o, oo, n); }
        <V> V lane(LaneBuilder<V> l, V a, V b) { return l.mul(a, b); }
        <T> void grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            if (needs[0]) out[0] = bld.mul(g, b);
            if (needs[1]) out[1] = bld.mul(g, a);
        }
    },
    /** {@code a / b}. */
    DIV {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.divVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.divVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.divSV(s, b, bo, o, oo, n); }
        <V> V lane(LaneBuilder<V> l, V a, V b) { return l.div(a, b); }
        <T> void grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            if (needs[0]) out[0] = bld.div(g, b);
            if (needs[1]) out[1] = bld.neg(bld.mul(g, bld.div(y, b)));   // d(a/b)/db = -(a/b)/b
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
        <V> V lane(LaneBuilder<V> l, V a, V b) { return l.max(a, b); }
        <T> void grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            T toA = bld.mul(g, bld.apply(GE, OpParams.NONE, a, b));
            if (needs[0]) out[0] = toA;
            if (needs[1]) out[1] = bld.sub(g, toA);
        }
    },
    /**
     * Elementwise minimum. The gradient goes to the smaller input; on a tie all of it goes to the first input.
     */
    MINIMUM {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.minVV(a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.minVS(a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.minVS(b, bo, s, o, oo, n); }
        <V> V lane(LaneBuilder<V> l, V a, V b) { return l.min(a, b); }
        <T> void grads(GradBuilder<T> bld, T a, T b, T y, T g, boolean[] needs, T[] out) {
            T toA = bld.mul(g, bld.apply(LE, OpParams.NONE, a, b));
            if (needs[0]) out[0] = toA;
            if (needs[1]) out[1] = bld.sub(g, toA);
        }
    },
    /** {@code a > b ? 1 : 0}; no gradient flows through a comparison. */
    GT {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maskVV(VectorOperators.GT, a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.maskVS(VectorOperators.GT, a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maskVS(VectorOperators.LT, b, bo, s, o, oo, n); }
        <V> V lane(LaneBuilder<V> l, V a, V b) { return mask(l, Comparison.GT, a, b); }
    },
    /** {@code a < b ? 1 : 0}. */
    LT {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maskVV(VectorOperators.LT, a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.maskVS(VectorOperators.LT, a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maskVS(VectorOperators.GT, b, bo, s, o, oo, n); }
        <V> V lane(LaneBuilder<V> l, V a, V b) { return mask(l, Comparison.LT, a, b); }
    },
    /** {@code a >= b ? 1 : 0}; also routes a maximum's gradient. */
    GE {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maskVV(VectorOperators.GE, a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.maskVS(VectorOperators.GE, a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maskVS(VectorOperators.LE, b, bo, s, o, oo, n); }
        <V> V lane(LaneBuilder<V> l, V a, V b) { return mask(l, Comparison.GE, a, b); }
    },
    /** {@code a <= b ? 1 : 0}. */
    LE {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maskVV(VectorOperators.LE, a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.maskVS(VectorOperators.LE, a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maskVS(VectorOperators.GE, b, bo, s, o, oo, n); }
        <V> V lane(LaneBuilder<V> l, V a, V b) { return mask(l, Comparison.LE, a, b); }
    },
    /** {@code a == b ? 1 : 0}. */
    EQ {
        void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maskVV(VectorOperators.EQ, a, ao, b, bo, o, oo, n); }
        void vs(float[] a, int ao, float s, float[] o, int oo, int n) { BinaryKernels.maskVS(VectorOperators.EQ, a, ao, s, o, oo, n); }
        void sv(float s, float[] b, int bo, float[] o, int oo, int n) { BinaryKernels.maskVS(VectorOperators.EQ, b, bo, s, o, oo, n); }
        <V> V lane(LaneBuilder<V> l, V a, V b) { return mask(l, Comparison.EQ, a, b); }
    };

    abstract void vv(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n);

    abstract void vs(float[] a, int ao, float s, float[] o, int oo, int n);

    abstract void sv(float s, float[] b, int bo, float[] o, int oo, int n);

    abstract <V> V lane(LaneBuilder<V> l, V a, V b);

    /** Fills {@code out[i]} with the gradient for input i, at the output's (broadcast) shape; comparisons have none. */
    <T> void grads(GradBuilder<T> b, T a, T bIn, T y, T g, boolean[] needs, T[] out) {}

    private static <V> V mask(LaneBuilder<V> l, Comparison cmp, V a, V b) {
        return l.select(cmp, a, b, l.constant(1f), l.constant(0f));
    }

    @Override
    public int arity() { return 2; }

    @Override
    public boolean hasGradient() { return ordinal() < GT.ordinal(); }

    @Override
    public Shape outputShape(OpParams params, Shape... in) {
        return in[0].equals(in[1]) ? in[0] : Broadcast.shape(name(), in[0], in[1]);
    }

    @Override
    public <V> V lanes(LaneBuilder<V> b, OpParams params, List<V> x) {
        return lane(b, x.get(0), x.get(1));
    }

    @Override
    public void forward(OpParams params, Shape[] s, float[][] in, Shape outShape, float[] out) {
        float[] a = in[0], b = in[1];
        int n = outShape.size();
        if (s[0].equals(s[1])) {
            vv(a, 0, b, 0, out, 0, n);
        } else if (s[1].size() == 1 && s[0].size() == n) {
            vs(a, 0, b[0], out, 0, n);
        } else if (s[0].size() == 1 && s[1].size() == n) {
            sv(a[0], b, 0, out, 0, n);
        } else {
            broadcast(s[0], a, s[1], b, outShape, out);
        }
    }

    /** The general case: spans along the last dimension, each read directly or repeated (stride 0). */
    private void broadcast(Shape sa, float[] a, Shape sb, float[] b, Shape so, float[] out) {
        int a0 = Broadcast.stride(sa, so, 0), a1 = Broadcast.stride(sa, so, 1), a2 = Broadcast.stride(sa, so, 2);
        int b0 = Broadcast.stride(sb, so, 0), b1 = Broadcast.stride(sb, so, 1), b2 = Broadcast.stride(sb, so, 2);
        boolean aSpan = Broadcast.stride(sa, so, 3) != 0, bSpan = Broadcast.stride(sb, so, 3) != 0;
        int span = so.paddedDim(3);
        int o = 0;
        for (int i0 = 0; i0 < so.paddedDim(0); i0++) {
            for (int i1 = 0; i1 < so.paddedDim(1); i1++) {
                for (int i2 = 0; i2 < so.paddedDim(2); i2++, o += span) {
                    int ao = i0 * a0 + i1 * a1 + i2 * a2, bo = i0 * b0 + i1 * b1 + i2 * b2;
                    if (aSpan && bSpan) {
                        vv(a, ao, b, bo, out, o, span);
                    } else if (aSpan) {
                        vs(a, ao, b[bo], out, o, span);
                    } else if (bSpan) {
                        sv(a[ao], b, bo, out, o, span);
                    } else {
                        vs(a, ao, b[bo], out, o, 1);
                        Arrays.fill(out, o + 1, o + span, out[o]);
                    }
                }
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> inputs, T output, T grad, boolean[] needs) {
        T x = inputs.get(0), z = inputs.get(1);
        T[] full = (T[]) new Object[2];
        grads(b, x, z, output, grad, needs, full);
        return Arrays.asList(needs[0] && full[0] != null ? b.sumTo(full[0], b.shape(x)) : null,
                needs[1] && full[1] != null ? b.sumTo(full[1], b.shape(z)) : null);
    }
}
