package org.jitgrad.autograd;

import java.util.List;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.GradBuilder;
import org.jitgrad.ops.Op;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/** Gradient rules applied to concrete tensors: each op runs at once, nothing is recorded. */
final class TapeGradBuilder implements GradBuilder<Tensor> {
    static final TapeGradBuilder INSTANCE = new TapeGradBuilder();

    @Override
    public Tensor apply(Op op, OpParams params, List<Tensor> inputs) {
        return Eager.apply(op, params, inputs.toArray(Tensor[]::new));
    }

    @Override
    public Tensor scalar(float value) {
        return Tensor.scalar(value);
    }

    @Override
    public Shape shape(Tensor value) {
        return value.shape();
    }
}
