package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.ConvKernels;
import org.jitgrad.kernels.PoolKernels;
import org.jitgrad.tensor.Shape;

/**
 * 2-D convolution and pooling on NCHW tensors, as PyTorch's {@code conv2d}, {@code max_pool2d} and
 * {@code avg_pool2d} (without ceil mode), and their backward ops. Shape rules are in {@link WindowShapes}.
 */
public enum ConvOp implements Op {
    /**
     * {@code (x [n, c, h, w], weight [co, c, kh, kw]) -> [n, co, ho, wo]}, zero padding, {@link OpParams.Conv}.
     * Its gradients are the two ops below.
     */
    CONV2D {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(OpParams a, Shape... in) { return WindowShapes.conv("conv2d", in[0], in[1], conv(a)); }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            Shape x = s[0], w = s[1];
            ConvKernels.forward(in[0], in[1], out, x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3),
                    conv(a).stride(), conv(a).padding());
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            T input = x.get(0), weight = x.get(1);
            T dx = needs[0] ? b.apply(CONV2D_GRAD_INPUT, new OpParams.GradTarget(a, b.shape(input)), weight, g) : null;
            T dw = needs[1] ? b.apply(CONV2D_GRAD_WEIGHT, new OpParams.GradTarget(a, b.shape(weight)), input, g) : null;
            return Arrays.asList(dx, dw);
        }
    },
    /** {@code (weight, g) -> dx}, the input's shape in {@link OpParams.GradTarget}: col2im of {@code weightᵀ·g}. */
    CONV2D_GRAD_INPUT {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            Shape x = target(a).shape(), w = in[0];
            Shape y = WindowShapes.conv("conv2d backward", x, w, conv(target(a).forward()));
            WindowShapes.checkGradient("conv2d backward", in[1], y, "input " + x + " and weight " + w);
            return x;
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape x, float[] out) {
            Shape w = s[0];
            OpParams.Conv c = conv(target(a).forward());
            ConvKernels.gradInput(in[0], in[1], out, x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2),
                    w.dim(3), c.stride(), c.padding());
        }
    },
    /** {@code (x, g) -> dweight}, the weight's shape in {@link OpParams.GradTarget}: {@code Σ g·patches(x)ᵀ}. */
    CONV2D_GRAD_WEIGHT {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            Shape x = in[0], w = target(a).shape();
            Shape y = WindowShapes.conv("conv2d backward", x, w, conv(target(a).forward()));
            WindowShapes.checkGradient("conv2d backward", in[1], y, "input " + x + " and weight " + w);
            return w;
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape w, float[] out) {
            Shape x = s[0];
            OpParams.Conv c = conv(target(a).forward());
            ConvKernels.gradWeight(in[0], in[1], out, x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2),
                    w.dim(3), c.stride(), c.padding());
        }
    },
    /** Maximum of each {@link OpParams.Window} (no padding); the gradient goes to the first arg-max of each window. */
    MAX_POOL2D {
        @Override
        public Shape outputShape(OpParams a, Shape... in) { return WindowShapes.pool("maxPool2d", in[0], window(a)); }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            Shape x = s[0];
            PoolKernels.maxPool(in[0], x.dim(0) * x.dim(1), x.dim(2), x.dim(3), window(a).kernel(), window(a).stride(), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.apply(MAX_POOL2D_GRAD, a, x.get(0), g));
        }
    },
    /** {@code (x, g) -> dx}: each window's gradient to the window's first arg-max in {@code x}. */
    MAX_POOL2D_GRAD {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            Shape y = WindowShapes.pool("maxPool2d backward", in[0], window(a));
            WindowShapes.checkGradient("maxPool2d backward", in[1], y, "input " + in[0]);
            return in[0];
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            Shape x = s[0];
            PoolKernels.maxPoolGrad(in[0], in[1], x.dim(0) * x.dim(1), x.dim(2), x.dim(3), window(a).kernel(),
                    window(a).stride(), out);
        }
    },
    /** Mean of each {@link OpParams.Window} (no padding). */
    AVG_POOL2D {
        @Override
        public Shape outputShape(OpParams a, Shape... in) { return WindowShapes.pool("avgPool2d", in[0], window(a)); }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            Shape x = s[0];
            PoolKernels.avgPool(in[0], x.dim(0) * x.dim(1), x.dim(2), x.dim(3), window(a).kernel(), window(a).stride(), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            return Arrays.asList(b.apply(AVG_POOL2D_GRAD, new OpParams.GradTarget(a, b.shape(x.get(0))), g));
        }
    },
    /** {@code g -> dx}, the input's shape in {@link OpParams.GradTarget}: each window's gradient spread evenly. */
    AVG_POOL2D_GRAD {
        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            Shape x = target(a).shape();
            Shape y = WindowShapes.pool("avgPool2d backward", x, window(target(a).forward()));
            WindowShapes.checkGradient("avgPool2d backward", in[0], y, "input " + x);
            return x;
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape x, float[] out) {
            OpParams.Window win = window(target(a).forward());
            PoolKernels.avgPoolGrad(in[0], x.dim(0) * x.dim(1), x.dim(2), x.dim(3), win.kernel(), win.stride(), out);
        }
    };

    @Override
    public int arity() { return 1; }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
        throw new UnsupportedOperationException(name() + ": second-order gradients are not supported");
    }

    static OpParams.Conv conv(OpParams p) { return (OpParams.Conv) p; }

    static OpParams.Window window(OpParams p) { return (OpParams.Window) p; }

    static OpParams.GradTarget target(OpParams p) { return (OpParams.GradTarget) p; }
}
