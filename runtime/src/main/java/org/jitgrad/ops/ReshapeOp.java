package org.jitgrad.ops;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;

/** Same elements, another shape of the same size. */
public enum ReshapeOp implements Op {
    /** The input's elements, in order, in the {@link OpParams.Target} shape. */
    RESHAPE;

    @Override
    public int arity() { return 1; }

    @Override
    public Shape outputShape(OpParams a, Shape... in) {
        Shape target = ((OpParams.Target) a).shape();
        if (in[0].size() != target.size()) {
            throw new ShapeException("reshape: cannot view " + in[0] + " (" + in[0].size() + " elements) as "
                    + target + " (" + target.size() + " elements)");
        }
        return target;
    }

    @Override
    public void forward(OpParams a, Shape[] s, float[][] in, Shape os, float[] out) {
        if (in[0] != out) System.arraycopy(in[0], 0, out, 0, os.size());
    }

    @Override
    public <T> List<T> backward(GradBuilder<T> b, OpParams a, List<T> x, T y, T g, boolean[] needs) {
        return Arrays.asList(b.apply(RESHAPE, new OpParams.Target(b.shape(x.get(0))), g));
    }

}
