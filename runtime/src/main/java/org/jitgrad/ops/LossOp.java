package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.kernels.LossKernels;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/**
 * Softmax cross-entropy, fused: {@code (logits [b,c], labels [b]) -> mean loss}, and its gradient
 * {@code (logits, labels, g) -> (softmax(logits) - onehot(labels)) · g / b}. Labels get no gradient.
 */
public enum LossOp implements Op {
    /** {@code (logits [b,c], labels [b]) ->} the mean over the batch of {@code -log softmax(logits)[label]}. */
    CROSS_ENTROPY {
        @Override
        public int arity() { return 2; }

        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            checkShapes(in[0], in[1]);
            return Shape.SCALAR;
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            int batch = s[0].dim(0), classes = s[0].dim(1);
            LossKernels.checkLabels(in[1], batch, classes);
            out[0] = LossKernels.crossEntropy(in[0], in[1], batch, classes);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            T dLogits = needs[0] ? b.apply(CROSS_ENTROPY_GRAD, OpParams.NONE, x.get(0), x.get(1), g) : null;
            return Arrays.asList(dLogits, null);
        }
    },
    /** {@code (logits, labels, g) -> (softmax(logits) - onehot(labels))·g/b}, the logits' gradient. */
    CROSS_ENTROPY_GRAD {
        @Override
        public int arity() { return 3; }

        @Override
        public Shape outputShape(OpParams a, Shape... in) {
            checkShapes(in[0], in[1]);
            if (in[2].size() != 1) throw new ShapeException("crossEntropy backward: upstream gradient " + in[2] + " is not a scalar");
            return in[0];
        }

        @Override
        public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
            // labels are ordinary tensors and may have been overwritten since the forward pass; an
            // unchecked label would index past its row and corrupt (or overrun) the gradient
            LossKernels.checkLabels(in[1], s[0].dim(0), s[0].dim(1));
            LossKernels.crossEntropyGrad(in[0], in[1], in[2][0], s[0].dim(0), s[0].dim(1), out);
        }

        @Override
        public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
            throw new UnsupportedOperationException(name() + ": second-order gradients are not supported");
        }
    };

    static void checkShapes(Shape logits, Shape labels) {
        if (logits.rank() != 2 || labels.rank() != 1 || labels.dim(0) != logits.dim(0)) {
            throw new ShapeException("crossEntropy: expects logits [batch, classes] and labels [batch], got logits "
                    + logits + " and labels " + labels);
        }
        if (logits.dim(0) == 0 || logits.dim(1) == 0) {
            throw new ShapeException("crossEntropy: empty logits " + logits);
        }
    }
}
