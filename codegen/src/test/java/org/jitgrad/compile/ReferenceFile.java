package org.jitgrad.compile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/**
 * A reference file written by {@code benchmarks/pytorch/reference_values.py}: tensors by name, one a line
 * ({@code name<TAB>dims<TAB>values}), in PyTorch's names and layouts, computed in float64.
 */
final class ReferenceFile {
    private final String name;
    private final Map<String, double[]> values = new LinkedHashMap<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();

    private ReferenceFile(String name) {
        this.name = name;
    }

    static ReferenceFile load(String model) {
        String resource = "/reference/" + model + ".txt";
        try (InputStream in = ReferenceFile.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            ReferenceFile f = new ReferenceFile(model);
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] cols = line.split("\t", -1);
                int[] dims = cols[1].isEmpty() ? new int[0]
                        : java.util.Arrays.stream(cols[1].split(",")).mapToInt(Integer::parseInt).toArray();
                double[] v = java.util.Arrays.stream(cols[2].trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
                f.shapes.put(cols[0], dims);
                f.values.put(cols[0], v);
            }
            return f;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    /** The values of {@code key}, in float64. */
    double[] values(String key) {
        double[] v = values.get(key);
        if (v == null) throw new IllegalArgumentException(name + ": no entry " + key + " (has " + values.keySet() + ")");
        return v;
    }

    int[] dims(String key) {
        values(key);
        return shapes.get(key).clone();
    }

    /** {@code key} as a float tensor of its own shape. */
    Tensor tensor(String key) {
        double[] v = values(key);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return Tensor.of(f, dims(key));
    }

    /** {@code key}, a PyTorch {@code nn.Linear} weight {@code [out, in]}, as JitGrad's {@code [in, out]}. */
    Tensor linearWeight(String key) {
        return tensor(key).transpose();
    }
}
