package org.jitgrad.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/** Modules applied one after another. Parameters are named {@code "<index>.<name>"}. */
public final class Sequential implements Module {
    private final List<Module> layers;

    /** Chains {@code layers} in order. */
    public Sequential(Module... layers) {
        this.layers = List.of(layers);
    }

    /** Chains {@code layers} in order. */
    public Sequential(List<? extends Module> layers) {
        this.layers = List.copyOf(layers);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (Module m : layers) h = m.forward(h);
        return h;
    }

    /** The layers, in order. */
    public List<Module> layers() { return layers; }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, Tensor> e : layers.get(i).namedParameters().entrySet()) {
                all.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return all;
    }

    @Override
    public String toString() { return "Sequential" + layers; }
}
