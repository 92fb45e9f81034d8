package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.SelectKernels;
import org.jitgrad.tensor.Shape;

/**
 * {@code where(cond, a, b)}: {@code a} where {@code cond} is non-zero, else {@code b}, all three broadcast.
 * The condition gets no gradient; {@code a} gets the upstream gradient where the condition holds and
 * {@code b} elsewhere. Unlike {@code a·m + b·(1-m)} it is exact for infinite values ({@code maskedFill}
 * with {@code -Infinity} before a softmax).
 */
public enum WhereOp implements ElementwiseOp {
    /** {@code (cond, a, b) -> cond != 0 ? a : b}, broadcast. */
    WHERE;

    @Override
    public int arity() { return 3; }

    @Override
    public Shape outputShape(OpParams params, Shape... in) {
        return Broadcast.shape("where", in[0], in[1], in[2]);
    }

    @Override
    public void forward(OpParams params, Shape[] s, float[][] in, Shape out, float[] o) {
        float[] c = in[0], a = in[1], b = in[2];
        int n = out.size();
        if (s[0].size() == n && s[1].size() == n && s[2].size() == n) {
            SelectKernels.select(c, 0, true, a, 0, true, b, 0, true, o, 0, n);
            return;
        }
        int c0 = Broadcast.stride(s[0], out, 0), c1 = Broadcast.stride(s[0], out, 1), c2 = Broadcast.stride(s[0], out, 2);
        int c3 = Broadcast.stride(s[0], out, 3);
        int a0 = Broadcast.stride(s[1], out, 0), a1 = Broadcast.stride(s[1], out, 1), a2 = Broadcast.stride(s[1], out, 2);
        int a3 = Broadcast.stride(s[1], out, 3);
        int b0 = Broadcast.stride(s[2], out, 0), b1 = Broadcast.stride(s[2], out, 1), b2 = Broadcast.stride(s[2], out, 2);
        int b3 = Broadcast.stride(s[2], out, 3);
        int i = 0, span = out.paddedDim(3);
        for (int i0 = 0; i0 < out.paddedDim(0); i0++) {
            for (int i1 = 0; i1 < out.paddedDim(1); i1++) {
                for (int i2 = 0; i2 < out.paddedDim(2); i2++, i += span) {
                    int co = i0 * c0 + i1 * c1 + i2 * c2, ao = i0 * a0 + i1 * a1 + i2 * a2, bo = i0 * b0 + i1 * b1 + i2 * b2;
                    SelectKernels.select(c, co, c3 != 0, a, ao, a3 != 0, b, bo, b3 != 0, o, i, span);
                }
            }
        }
    }

    @Override
    public <V> V lanes(LaneBuilder<V> l, OpParams params, List<V> x) {
        return l.select(LaneBuilder.Comparison.NE, x.get(0), l.constant(0f), x.get(1), x.get(2));
    }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> x, T y, T g, boolean[] needs) {
        T cond = x.get(0);
        T zero = b.scalar(0f);
        T toA = needs[1] ? b.sumTo(b.apply(WHERE, OpParams.NONE, cond, g, zero), b.shape(x.get(1))) : null;
        T toB = needs[2] ? b.sumTo(b.apply(WHERE, OpParams.NONE, cond, zero, g), b.shape(x.get(2))) : null;
        return Arrays.asList(null, toA, toB);
    }
}
