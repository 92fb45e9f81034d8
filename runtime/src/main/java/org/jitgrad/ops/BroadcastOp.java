package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * {@code broadcastTo}: repeats a tensor along its size-1 (or missing leading) dimensions to a target shape
 * ({@link Broadcast}'s rule). Its gradient sums back with {@link ReduceOp#SUM_TO}. In a fused loop it
 * costs nothing: the input is read as a broadcast leaf.
 */
public enum BroadcastOp implements ElementwiseOp {
    /** Repeats the input to the {@link OpParams.Target} shape. */
    BROADCAST_TO;

    @Override
    public int arity() { return 1; }

    @Override
    public Shape outputShape(OpParams params, Shape... in) {
        Shape target = ((OpParams.Target) params).shape();
        if (!Broadcast.broadcastsTo(in[0], target)) {
            throw new ShapeException("broadcastTo: " + in[0] + " cannot be broadcast to " + target);
        }
        return target;
    }

    @Override
    public void forward(OpParams params, Shape[] s, float[][] in, Shape target, float[] out) {
        float[] x = in[0];
        if (s[0].size() == target.size()) {
            System.arraycopy(x, 0, out, 0, target.size());
            return;
        }
        if (s[0].size() == 1) {
            Arrays.fill(out, 0, target.size(), x[0]);
            return;
        }
        int x0 = Broadcast.stride(s[0], target, 0), x1 = Broadcast.stride(s[0], target, 1), x2 = Broadcast.stride(s[0], target, 2);
        boolean span3 = Broadcast.stride(s[0], target, 3) != 0;
        int span = target.paddedDim(3), o = 0;
        for (int i0 = 0; i0 < target.paddedDim(0); i0++) {
            for (int i1 = 0; i1 < target.paddedDim(1); i1++) {
                for (int i2 = 0; i2 < target.paddedDim(2); i2++, o += span) {
                    int xo = i0 * x0 + i1 * x1 + i2 * x2;
                    if (span3) System.arraycopy(x, xo, out, o, span);
                    else Arrays.fill(out, o, o + span, x[xo]);
                }
            }
        }
    }

    @Override
    public <V> V lanes(LaneBuilder<V> b, OpParams params, List<V> x) {
        return x.get(0);
    }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, OpParams params, List<T> x, T y, T g, boolean[] needs) {
        return Arrays.asList(b.sumTo(g, b.shape(x.get(0))));
    }
}
