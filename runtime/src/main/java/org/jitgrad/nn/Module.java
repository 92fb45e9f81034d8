package org.jitgrad.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/** A differentiable function with parameters, PyTorch style. */
public interface Module {
    /**
     * Applies the module to a batch, recording the graph as every tensor op does. Each module documents the input
     * shape it expects.
     *
     * @throws org.jitgrad.tensor.ShapeException if the input's shape does not fit the module
     */
    Tensor forward(Tensor input);

    /**
     * The parameters by stable, unique names (for checkpoints), in a fixed order, each tensor once: a
     * tensor shared by two submodules (a tied weight) is listed under its first name (see
     * {@link NamedParameters}).
     */
    Map<String, Tensor> namedParameters();

    /**
     * This module's entries in a PyTorch state dict, by PyTorch's names, each with its tensor here and its layout
     * there (see {@link StateEntry}). A tensor may appear under several names (a tied weight), as in PyTorch.
     *
     * <p>The default lists {@link #namedParameters()} as they are, right for a module whose parameters PyTorch lays
     * out as we do. A module that contains other modules must override it and gather its children's entries (with
     * {@link StateEntry#putAll}), so that their layouts (a {@link Linear}'s transposed weight) are kept.
     */
    default Map<String, StateEntry> stateEntries() {
        Map<String, StateEntry> entries = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> entries.put(name, StateEntry.parameter(p)));
        return entries;
    }

    /**
     * The learned tensors as PyTorch's {@code state_dict()} lists them for the same model: PyTorch's names
     * ({@code 0.weight}, {@code 2.bias} in a {@link Sequential}; nanoGPT's in a {@link Gpt}) and layouts (a
     * {@link Linear} weight {@code [out, in]}), a tied tensor under each of its names. New tensors (copies).
     */
    default Map<String, Tensor> stateDict() {
        return StateDict.of(this);
    }

    /**
     * Copies a PyTorch state dict (names and layouts as {@link #stateDict()} gives them) into this module's
     * parameters. Everything is checked first; a tied tensor needs only one of its names.
     *
     * @param stateDict tensors by PyTorch's names, in PyTorch's layouts; they are copied, not kept
     * @throws StateDictException naming every missing, unexpected and mis-shaped entry; nothing is changed then
     */
    default void loadStateDict(Map<String, Tensor> stateDict) {
        StateDict.load(this, stateDict);
    }

    /** The parameters, in the order of {@link #namedParameters()}, as a new mutable list: what an optimizer takes. */
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

    /** A new, empty parameter map: the {@link #namedParameters()} of a module without parameters. */
    static Map<String, Tensor> noParameters() {
        return new LinkedHashMap<>();
    }
}
