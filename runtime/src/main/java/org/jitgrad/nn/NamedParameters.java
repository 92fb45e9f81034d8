package org.jitgrad.nn;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jitgrad.tensor.Tensor;

/**
 * Collects a module's parameters by name, each tensor once: a tensor already collected (a weight tied
 * between two submodules) keeps its first name and is not listed again, so an optimizer built from
 * {@link Module#parameters()} updates it once, with the gradients of all its uses summed.
 */
public final class NamedParameters {
    private final Map<String, Tensor> byName = new LinkedHashMap<>();
    private final Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * Adds {@code tensor} under {@code name} unless the same tensor was added before.
     *
     * @return this collection
     * @throws NullPointerException     if {@code tensor} is null
     * @throws IllegalArgumentException if another tensor already has this name
     */
    public NamedParameters add(String name, Tensor tensor) {
        if (tensor == null) throw new NullPointerException("NamedParameters: parameter '" + name + "' is null");
        if (!seen.add(tensor)) return this;
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("NamedParameters: two different parameters are named '" + name + "'");
        }
        byName.put(name, tensor);
        return this;
    }

    /**
     * Adds every parameter of {@code module} under {@code prefix + "." + its name}, with {@link #add}'s rules.
     *
     * @return this collection
     */
    public NamedParameters addAll(String prefix, Module module) {
        for (Map.Entry<String, Tensor> e : module.namedParameters().entrySet()) add(prefix + "." + e.getKey(), e.getValue());
        return this;
    }

    /** The parameters collected, in order of first addition (a new mutable map). */
    public Map<String, Tensor> toMap() {
        return new LinkedHashMap<>(byName);
    }
}
