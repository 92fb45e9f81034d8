package org.jitgrad.nn;

import java.util.Locale;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/** Elementwise activations as parameter-free modules. */
public enum Activation implements Module {
    /** {@link Tensor#relu()}. */
    RELU {
        @Override
        public Tensor forward(Tensor x) { return x.relu(); }
    },
    /** {@link Tensor#tanh()} (a rational approximation; see there). */
    TANH {
        @Override
        public Tensor forward(Tensor x) { return x.tanh(); }
    },
    /** {@link Tensor#sigmoid()}. */
    SIGMOID {
        @Override
        public Tensor forward(Tensor x) { return x.sigmoid(); }
    };

    @Override
    public Map<String, Tensor> namedParameters() { return Module.noParameters(); }

    /**
     * Parses {@code relu}, {@code tanh} or {@code sigmoid}, ignoring case and surrounding whitespace.
     *
     * @throws IllegalArgumentException naming the expected names for any other string
     */
    public static Activation parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown activation '" + name + "'; expected relu, tanh or sigmoid", e);
        }
    }
}
