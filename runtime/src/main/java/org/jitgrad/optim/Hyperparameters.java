package org.jitgrad.optim;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/** Checks on optimizer settings, with messages naming the setting and its value. */
final class Hyperparameters {
    private Hyperparameters() {}

    static float positive(String optimizer, String name, float v) {
        if (!(v > 0f) || !Float.isFinite(v)) throw new IllegalArgumentException(optimizer + ": " + name + " must be positive and finite, got " + v);
        return v;
    }

    static float nonNegative(String optimizer, String name, float v) {
        if (!(v >= 0f) || !Float.isFinite(v)) throw new IllegalArgumentException(optimizer + ": " + name + " must be >= 0 and finite, got " + v);
        return v;
    }

    static float unitInterval(String optimizer, String name, float v) {
        if (!(v >= 0f && v < 1f)) throw new IllegalArgumentException(optimizer + ": " + name + " must be in [0, 1), got " + v);
        return v;
    }

    /**
     * {@code value}, checked with {@link #nonNegative}, once per parameter (the list itself is checked
     * later, by {@link #parameters}; a null list gives an empty array here).
     */
    static float[] sameForAll(String optimizer, String name, float value, List<Tensor> params) {
        float[] all = new float[params == null ? 0 : params.size()];
        Arrays.fill(all, nonNegative(optimizer, name, value));
        return all;
    }

    /** A copy of {@code values}, one per parameter, each checked with {@link #nonNegative}. */
    static float[] perParameter(String optimizer, String name, float[] values, List<Tensor> params) {
        if (values == null) throw new NullPointerException(optimizer + ": " + name + " array is null");
        if (values.length != params.size()) {
            throw new IllegalArgumentException(optimizer + ": " + values.length + " " + name + " values for "
                    + params.size() + " parameters");
        }
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0f) || !Float.isFinite(values[i])) {
                throw new IllegalArgumentException(optimizer + ": " + name + " of parameter " + i + " " + params.get(i).shape()
                        + " must be >= 0 and finite, got " + values[i]);
            }
        }
        return values.clone();
    }

    /**
     * An immutable copy of {@code params}, each a parameter listed once. A tensor listed twice (two modules'
     * parameter lists joined around a tied weight) would be updated twice per step by {@link Optimizer#step()}
     * but once by a compiled step's fused update, so it is refused rather than silently run two ways.
     */
    static List<Tensor> parameters(String optimizer, List<Tensor> params) {
        if (params.isEmpty()) throw new IllegalArgumentException(optimizer + ": no parameters to optimize");
        Map<Tensor, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            if (!params.get(i).isParameter()) {
                throw new IllegalArgumentException(optimizer + ": tensor " + i + " " + params.get(i).shape()
                        + " is not a parameter (call requiresGrad() on it)");
            }
            Integer first = seen.putIfAbsent(params.get(i), i);
            if (first != null) {
                throw new IllegalArgumentException(optimizer + ": tensor " + i + " " + params.get(i).shape()
                        + " is the same parameter as tensor " + first + "; list each parameter once (a tied weight's"
                        + " gradients already add up in its grad())");
            }
        }
        return List.copyOf(params);
    }

    static float[][] stateLike(List<Tensor> params) {
        float[][] s = new float[params.size()][];
        for (int i = 0; i < s.length; i++) s[i] = new float[params.get(i).size()];
        return s;
    }
}
