package org.jitgrad.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/** A differentiable function with parameters, PyTorch style. */
public interface Module {
    /** Applies the module to a batch. */
    Tensor forward(Tensor input);

    /** The parameters by stable, unique names (for checkpoints), in a fixed order. */
    Map<String, Tensor> namedParameters();

    /** The parameters, in the order of {@link #namedParameters()}. */
    default List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** A module without parameters. */
    static Map<String, Tensor> noParameters() {
        return new LinkedHashMap<>();
    }
}
