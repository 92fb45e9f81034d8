package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/** Same elements, another shape of the same size. */
public enum ReshapeOp implements Op {
    RESHAPE;

    @Override
    public int arity() { return 1; }

    @Override
    public Shape outputShape(Attrs a, Shape... in) {
        if (in[0].size() != a.shape().size()) {
            throw new ShapeException("reshape: cannot view " + in[0] + " (" + in[0].size() + " elements) as "
                    + a.shape() + " (" + a.shape().size() + " elements)");
        }
        return a.shape();
    }

    @Override
    public void forward(Attrs a, Shape[] s, float[][] in, Shape os, float[] out) {
        if (in[0] != out) System.arraycopy(in[0], 0, out, 0, os.size());
    }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, Attrs a, List<T> x, T y, T g, boolean[] needs) {
        return Arrays.asList(b.apply(RESHAPE, Attrs.shape(b.shape(x.get(0))), g));
    }

}
