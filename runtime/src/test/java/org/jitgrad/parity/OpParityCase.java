package org.jitgrad.parity;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One case of {@code op_parity.txt}: an op's inputs (in the order the op takes them), its parameters, and PyTorch's
 * output; for a differentiable case also the weights {@code r} and the gradient of {@code sum(out * r)} with respect
 * to each float input.
 */
public final class OpParityCase {
    private final String name;
    final Map<String, ReferenceTensor> inputs = new LinkedHashMap<>();
    final Map<String, ReferenceTensor> params = new LinkedHashMap<>();
    final Map<String, ReferenceTensor> grads = new LinkedHashMap<>();
    ReferenceTensor r;
    ReferenceTensor out;

    OpParityCase(String name) {
        this.name = name;
    }

    public String name() { return name; }

    /** The op: the case's name up to the first dot ({@code conv2d.plain} applies {@code conv2d}). */
    public String op() {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    public Map<String, ReferenceTensor> inputs() { return inputs; }

    /** PyTorch's gradients by input name; empty for ops without a gradient. */
    public Map<String, ReferenceTensor> grads() { return grads; }

    public boolean differentiable() { return r != null; }

    public ReferenceTensor r() { return r; }

    public ReferenceTensor out() { return out; }

    public boolean has(String param) { return params.containsKey(param); }

    public int intParam(String param) { return param(param).ints()[0]; }

    public float floatParam(String param) { return (float) param(param).values()[0]; }

    public int[] intsParam(String param) { return param(param).ints(); }

    private ReferenceTensor param(String param) {
        ReferenceTensor t = params.get(param);
        if (t == null) throw new IllegalStateException(name + " has no parameter " + param + " (has " + params.keySet() + ")");
        return t;
    }

    @Override
    public String toString() { return name; }
}
