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

    /**
     * The parameters by stable, unique names (for checkpoints), in a fixed order, each tensor once: a
     * tensor shared by two submodules (a tied weight) is listed under its first name (see
     * {@link NamedParameters}).
     */
    Map<String, Tensor> namedParameters();

    /** The parameters, in the order of {@link #namedParameters()}. */
    default List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Switches training mode on (the default) or off (evaluation), for this module and the modules it
     * contains, like PyTorch's {@code train(bool)}. Only mode-dependent modules ({@link Dropout}) act
     * on it; the others, which behave the same in both modes, ignore it.
     */
    default void train(boolean on) {}

    /** Switches to evaluation mode: {@code train(false)}. */
    default void eval() {
        train(false);
    }

    /**
     * Whether this module is in training mode. A module that behaves the same in both modes keeps no
     * mode and answers true.
     */
    default boolean isTraining() {
        return true;
    }

    /** A module without parameters. */
    static Map<String, Tensor> noParameters() {
        return new LinkedHashMap<>();
    }
}
