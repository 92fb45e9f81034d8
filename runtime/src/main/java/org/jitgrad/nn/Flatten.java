package org.jitgrad.nn;

import java.util.Map;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;

/** Flattens each sample of a batch: {@code [N, d1, ..., dk] -> [N, d1·...·dk]}, as PyTorch's {@code nn.Flatten}. */
public final class Flatten implements Module {
    /**
     * Reshapes {@code [N, ...]} to {@code [N, rest]}.
     *
     * @throws ShapeException if the input is a scalar (it has no batch dimension)
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() == 0) throw new ShapeException("Flatten: expects a batch [N, ...], got a scalar " + x.shape());
        int n = x.shape().dim(0);
        int rest = 1;
        for (int i = 1; i < x.rank(); i++) rest *= x.shape().dim(i);
        return x.reshape(n, rest);
    }

    @Override
    public Map<String, Tensor> namedParameters() { return Module.noParameters(); }

    @Override
    public String toString() { return "Flatten()"; }
}
