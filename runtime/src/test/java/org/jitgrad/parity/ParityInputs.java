package org.jitgrad.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/** A case's inputs as fresh tensors, in the order the op takes them. */
public final class ParityInputs {
    private ParityInputs() {}

    /** Every input; those PyTorch differentiates are marked {@code requiresGrad()} when {@code withGrad}. */
    public static List<Tensor> of(OpParityCase c, boolean withGrad) {
        List<Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, ReferenceTensor> e : c.inputs().entrySet()) {
            Tensor t = e.getValue().toTensor();
            tensors.add(withGrad && c.grads().containsKey(e.getKey()) ? t.requiresGrad() : t);
        }
        return tensors;
    }

    /** The input named {@code name} among {@code tensors} (in the case's order), or null if the case has none. */
    public static Tensor named(OpParityCase c, List<Tensor> tensors, String name) {
        int i = new ArrayList<>(c.inputs().keySet()).indexOf(name);
        return i < 0 ? null : tensors.get(i);
    }
}
