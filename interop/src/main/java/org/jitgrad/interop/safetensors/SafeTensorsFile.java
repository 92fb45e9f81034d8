package org.jitgrad.interop.safetensors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jitgrad.tensor.Tensor;

/**
 * What a safetensors file holds: its tensors and the strings of its {@code __metadata__}.
 *
 * @param tensors  by name, in the order {@link SafeTensors#save} writes them (sorted by name); unmodifiable
 * @param metadata sorted by key, empty if the file has none; unmodifiable
 */
public record SafeTensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** Keeps unmodifiable copies of both maps (the metadata sorted by key). */
    public SafeTensorsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
    }
}
