package org.jitgrad.parity;

import java.util.List;
import org.jitgrad.tensor.Tensor;

/** How JitGrad applies one PyTorch op of the reference file to a case's inputs and parameters. */
@FunctionalInterface
public interface ParityOp {
    Tensor apply(Args args);

    /** A case's inputs, by position and by name, and its parameters. */
    record Args(OpParityCase c, List<Tensor> tensors) {
        public Tensor get(int i) { return tensors.get(i); }

        /** The input named {@code name}, or null if the case has none (an optional weight or bias). */
        public Tensor named(String name) { return ParityInputs.named(c, tensors, name); }
    }
}
