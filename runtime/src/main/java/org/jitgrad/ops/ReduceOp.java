package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.ReduceKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * Reductions and the broadcasts that undo them in backward passes. A reduction over an axis views its
 * input as {@code [outer, len, inner]}; {@link #SUM_TO} and {@link #EXPAND} use axis -1 for "all
 * elements" and -2 for "all leading dimensions" (a row over a batch).
 */
public enum ReduceOp implements Op {
    /** Sum of all elements, a scalar. */
    SUM {
        @Override
        public Shape outputShape(Attrs a, Shape... in) { return Shape.SCALAR; }

        @Override
        public void forward(Attrs a, Shape[] s, float[][] in, Shape os, float[] out) {
            out[0] = ReduceKernels.sum(in[0], s[0].size());
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, Attrs a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.expand(g, b.shape(x.get(0)), -1));
        }
    },
    /** Sum along {@code attrs.axis()}. */
    SUM_AXIS {
        @Override
        public Shape outputShape(Attrs a, Shape... in) { return in[0].reduce(a.axis(), a.keepDim()); }

        @Override
        public void forward(Attrs a, Shape[] s, float[][] in, Shape os, float[] out) {
            int ax = a.axis();
            ReduceKernels.sumAxis(in[0], s[0].outer(ax), s[0].dim(ax), s[0].inner(ax), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, Attrs a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.expand(g, b.shape(x.get(0)), a.axis()));
        }
    },
    /** Maximum along {@code attrs.axis()}; the gradient goes to the first arg-max. */
    MAX_AXIS {
        @Override
        public Shape outputShape(Attrs a, Shape... in) {
            if (in[0].dim(a.axis()) == 0) {
                throw new ShapeException("max: axis " + a.axis() + " of shape " + in[0] + " is empty");
            }
            return in[0].reduce(a.axis(), a.keepDim());
        }

        @Override
        public void forward(Attrs a, Shape[] s, float[][] in, Shape os, float[] out) {
            int ax = a.axis();
            ReduceKernels.maxAxis(in[0], s[0].outer(ax), s[0].dim(ax), s[0].inner(ax), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, Attrs a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.apply(MAX_AXIS_GRAD, a, x.get(0), g));
        }
    },
    /** {@code (x, g)}: routes the reduced gradient {@code g} to the arg-max of {@code x} along the axis. */
    MAX_AXIS_GRAD {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(Attrs a, Shape... in) {
            if (in[1].size() != in[0].reduce(a.axis(), a.keepDim()).size()) {
                throw new ShapeException("max backward: gradient " + in[1] + " does not match " + in[0]
                        + " reduced over axis " + a.axis());
            }
            return in[0];
        }

        @Override
        public void forward(Attrs a, Shape[] s, float[][] in, Shape os, float[] out) {
            int ax = a.axis();
            ReduceKernels.maxAxisGrad(in[0], in[1], s[0].outer(ax), s[0].dim(ax), s[0].inner(ax), out);
        }
    },
    /** Sums a broadcast tensor back to {@code attrs.shape()}: a one-element shape or a row. */
    SUM_TO {
        @Override
        public Shape outputShape(Attrs a, Shape... in) {
            Shape t = a.shape();
            boolean ok = t.size() == 1 || (in[0].rank() >= 2 && in[0].lastDim() == t.lastDim() && t.size() == t.lastDim());
            if (!ok) throw new ShapeException("sumTo: cannot reduce " + in[0] + " to " + t);
            return t;
        }

        @Override
        public void forward(Attrs a, Shape[] s, float[][] in, Shape os, float[] out) {
            int n = s[0].size();
            if (os.size() == 1) {
                out[0] = ReduceKernels.sum(in[0], n);
            } else {
                int cols = os.lastDim();
                ReduceKernels.sumAxis(in[0], 1, n / cols, cols, out);
            }
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, Attrs a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.expand(g, b.shape(x.get(0)), a.shape().size() == 1 ? -1 : -2));
        }
    },
    /** Broadcasts a reduced tensor to {@code attrs.shape()} along {@code attrs.axis()} (-1 all, -2 leading). */
    EXPAND {
        @Override
        public Shape outputShape(Attrs a, Shape... in) {
            Shape t = a.shape();
            int reduced = switch (a.axis()) {
                case -1 -> 1;
                case -2 -> t.lastDim();
                default -> t.size() / Math.max(1, t.dim(a.axis()));
            };
            if (in[0].size() != reduced) {
                throw new ShapeException("expand: " + in[0] + " cannot be broadcast to " + t + " along axis " + a.axis());
            }
            return t;
        }

        @Override
        public void forward(Attrs a, Shape[] s, float[][] in, Shape t, float[] out) {
            switch (a.axis()) {
                case -1 -> Arrays.fill(out, 0, t.size(), in[0][0]);
                case -2 -> ReduceKernels.expandAxis(in[0], 1, t.size() / Math.max(1, t.lastDim()), t.lastDim(), out);
                default -> ReduceKernels.expandAxis(in[0], t.outer(a.axis()), t.dim(a.axis()), t.inner(a.axis()), out);
            }
        }
    };

    @Override
    public int arity() { return 1; }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, Attrs a, List<T> x, T y, T g, boolean[] needs) {
        throw new UnsupportedOperationException(name() + ": second-order gradients are not supported");
    }
}
