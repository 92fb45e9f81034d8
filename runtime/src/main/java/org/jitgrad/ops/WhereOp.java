package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.tensor.Shape;

/**
 * {@code where(cond, a, b)}: {@code a} where {@code cond} is non-zero, else {@code b}, all three broadcast.
 * The condition gets no gradient; {@code a} gets the upstream gradient where the condition holds and
 * {@code b} elsewhere. Unlike {@code a·m + b·(1-m)} it is exact for infinite values ({@code maskedFill}
 * with {@code -Infinity} before a softmax).
 */
public enum WhereOp implements ElementwiseOp {
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
            for (int i = 0; i < n; i++) o[i] = c[i] != 0f ? a[i] : b[i];
            return;
        }
        int[] d = Broadcast.dims(out), tc = Broadcast.strides(s[0], out), ta = Broadcast.strides(s[1], out),
                tb = Broadcast.strides(s[2], out);
        int i = 0;
        for (int i0 = 0; i0 < d[0]; i0++) {
            for (int i1 = 0; i1 < d[1]; i1++) {
                for (int i2 = 0; i2 < d[2]; i2++) {
                    int co = i0 * tc[0] + i1 * tc[1] + i2 * tc[2];
                    int ao = i0 * ta[0] + i1 * ta[1] + i2 * ta[2];
                    int bo = i0 * tb[0] + i1 * tb[1] + i2 * tb[2];
                    for (int i3 = 0; i3 < d[3]; i3++, i++) {
                        o[i] = c[co + i3 * tc[3]] != 0f ? a[ao + i3 * ta[3]] : b[bo + i3 * tb[3]];
                    }
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
