package org.jitgrad.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/**
 * Modules applied one after another. Parameters are named {@code "<index>.<name>"}; a tensor shared by
 * two layers is listed once, under its first name. {@link #train} switches every layer's mode.
 */
public final class Sequential implements Module {
    private final List<Module> layers;
    private boolean training = true;

    /**
     * Chains {@code layers} in order.
     *
     * @throws NullPointerException if a layer is null
     */
    public Sequential(Module... layers) {
        this.layers = List.of(layers);
    }

    /**
     * Chains {@code layers} in order (a copy of the list).
     *
     * @throws NullPointerException if a layer is null
     */
    public Sequential(List<? extends Module> layers) {
        this.layers = List.copyOf(layers);
    }

    /** Passes {@code x} through each layer in turn; with no layers, returns {@code x}. */
    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Module m : layers) h = m.forward(h);
        return h;
    }

    /** The layers, in order, as an unmodifiable list. */
    public List<Module> layers() { return layers; }

    @Override
    public Map<String, Tensor> namedParameters() {
        NamedParameters all = new NamedParameters();
        for (int i = 0; i < layers.size(); i++) all.addAll(Integer.toString(i), layers.get(i));
        return all.toMap();
    }

    /**
     * As PyTorch's {@code nn.Sequential}: each layer's entries under its index, counting the layers without
     * parameters (an MLP's linear layers are {@code 0}, {@code 2}, {@code 4}, ...).
     */
    @Override
    public Map<String, StateEntry> stateEntries() {
        Map<String, StateEntry> m = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) StateEntry.putAll(m, Integer.toString(i), layers.get(i));
        return m;
    }

    /** Sets this chain's mode and every layer's. */
    @Override
    public void train(boolean on) {
        training = on;
        for (Module m : layers) m.train(on);
    }

    @Override
    public boolean isTraining() { return training; }

    @Override
    public String toString() { return "Sequential" + layers; }
}
