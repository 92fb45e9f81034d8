package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.ReduceKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * Reductions. A reduction over an axis views its input as {@code [outer, len, inner]}; {@link #SUM_TO}
 * undoes a broadcast (the gradient of {@link BroadcastOp#BROADCAST_TO} and of broadcast inputs).
 */
public enum ReduceOp implements Op {
    /** Sum of all elements, a scalar. */
    SUM {
        @Override
        public Shape outputShape(OpParams a, Shape... in) { return Shape.SCALAR; }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            out[0] = ReduceKernels.sum(in[0], s[0].size());
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.broadcastTo(g, b.shape(x.get(0))));
        }
    },
    /** Sum along {@code attrs.axis()}. */
    SUM_AXIS {
        @Override
        public Shape outputShape(OpParams a, Shape... in) { return in[0].reduce(ax(a), keep(a)); }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int ax = ax(a);
            ReduceKernels.sumAxis(in[0], s[0].outer(ax), s[0].dim(ax), s[0].inner(ax), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.expand(g, b.shape(x.get(0)), ((OpParams.Axis) a).axis()));
        }
    },
    /** Maximum along {@code attrs.axis()}; the gradient goes to the first arg-max. */
    MAX_AXIS {
        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            if (in[0].dim(ax(a)) == 0) {
                throw new ShapeException("max: axis " + ax(a) + " of shape " + in[0] + " is empty");
            }
            return in[0].reduce(ax(a), keep(a));
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int ax = ax(a);
            ReduceKernels.maxAxis(in[0], s[0].outer(ax), s[0].dim(ax), s[0].inner(ax), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.apply(MAX_AXIS_GRAD, a, x.get(0), g));
        }
    },
    /** {@code (x, g)}: routes the reduced gradient {@code g} to the arg-max of {@code x} along the axis. */
    MAX_AXIS_GRAD {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            if (in[1].size() != in[0].reduce(ax(a), keep(a)).size()) {
                throw new ShapeException("max backward: gradient " + in[1] + " does not match " + in[0]
                        + " reduced over axis " + ax(a));
            }
            return in[0];
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int ax = ax(a);
            ReduceKernels.maxAxisGrad(in[0], in[1], s[0].outer(ax), s[0].dim(ax), s[0].inner(ax), out);
        }
    },
    /** Sums a broadcast tensor back to {@code params.shape()}, a shape that broadcasts to the input's. */
    SUM_TO {
        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            Shape t = ((OpParams.Target) a).shape();
            if (!Broadcast.broadcastsTo(t, in[0])) throw new ShapeException("sumTo: cannot reduce " + in[0] + " to " + t);
            return t;
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape t, float[] out) {
            ReduceKernels.sumTo(in[0], s[0], out, t);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.broadcastTo(g, b.shape(x.get(0))));
        }
    };

    @Override
    public int arity() { return 1; }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
        throw new UnsupportedOperationException(name() + ": second-order gradients are not supported");
    }

    static int ax(OpParams p) { return ((OpParams.Axis) p).axis(); }

    static boolean keep(OpParams p) { return ((OpParams.Axis) p).keepDim(); }
}
