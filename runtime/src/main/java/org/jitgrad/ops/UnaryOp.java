package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.UnaryKernels;
import org.jitgrad.tensor.Shape;

/** Elementwise one-input ops. Each constant: its kernel, then its local gradient. */
public enum UnaryOp implements Op {
    NEG {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.neg(x, y, n); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.neg(g); }
    },
    /** Multiplication by the constant {@code attrs.value()}. */
    SCALE {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.scale(x, c, y, n); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.scale(g, c); }
    },
    EXP {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.exp(x, y, n); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.mul(g, y); }
    },
    LOG {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.log(x, y, n); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.div(g, x); }
    },
    SQRT {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.sqrt(x, y, n); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.div(b.scale(g, 0.5f), y); }
    },
    TANH {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.tanh(x, y, n); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.apply(GradOp.TANH_GRAD, Attrs.NONE, g, y); }
    },
    SIGMOID {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.sigmoid(x, y, n); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.apply(GradOp.SIGMOID_GRAD, Attrs.NONE, g, y); }
    },
    RELU {
        void run(float[] x, float c, float[] y, int n) { UnaryKernels.relu(x, y, n); }
        <T> T grad(GradBuilder<T> b, float c, T x, T y, T g) { return b.apply(GradOp.RELU_GRAD, Attrs.NONE, g, y); }
    },
    /** {@code x^p} for the constant exponent {@code p = attrs.value()}. */
    POW {
        void run(float[] x, float p, float[] y, int n) { UnaryKernels.pow(x, p, y, n); }
        <T> T grad(GradBuilder<T> b, float p, T x, T y, T g) { return b.mul(g, b.scale(b.pow(x, p - 1f), p)); }
    };

    abstract void run(float[] x, float c, float[] y, int n);

    abstract <T> T grad(GradBuilder<T> b, float c, T x, T y, T g);

    @Override
    public int arity() { return 1; }

    @Override
    public Shape outputShape(Attrs attrs, Shape... in) { return in[0]; }

    @Override
    public void forward(Attrs attrs, Shape[] inShapes, float[][] in, Shape outShape, float[] out) {
        run(in[0], attrs.value(), out, outShape.size());
    }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, Attrs attrs, List<T> inputs, T output, T grad, boolean[] needs) {
        return Arrays.asList(needs[0] ? grad(b, attrs.value(), inputs.get(0), output, grad) : null);
    }

}
