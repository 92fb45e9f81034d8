package org.jitgrad.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jitgrad.ops.Op;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.function.Executable;

/**
 * One op's entry in the op-info table: sample applications of it (through the public API), whether it is
 * differentiable, the tape-vs-compiled tolerance, and the bad inputs it must reject. {@link OpInfoTest}
 * runs every entry through a finite-difference gradient check, both engines and every error case, and
 * fails when an op of {@link org.jitgrad.ops.Ops#all()} has no entry.
 */
final class OpInfo {
    /** A sample: inputs that become parameters, and the function applying the op (and perhaps more). */
    record Sample(String label, List<Tensor> inputs, Function<List<Tensor>, Tensor> apply) {
        @Override
        public String toString() { return label; }
    }

    /** A bad input: the call, the exception type it must throw and what its message must name. */
    record BadInput(String label, Executable call, Class<? extends Throwable> type, String... culprits) {
        @Override
        public String toString() { return label; }
    }

    final Op op;
    final List<Sample> samples = new ArrayList<>();
    final List<BadInput> badInputs = new ArrayList<>();
    boolean gradCheck = true;
    double parityTolerance = Engines.REL;
    /**
     * Where the op's output depends on state that each call advances (random masks), the table's generic
     * parity check (which runs the compiled step twice) does not apply; {@code EmbeddingDropoutCompiledTest}
     * checks the tape and the compiled step draw the same masks call after call.
     */
    boolean stateful;
    /** For ops that appear only in backward graphs: their samples exercise them through a parent's backward. */
    boolean backwardOnly;

    OpInfo(Op op) {
        this.op = op;
    }

    /** Adds a sample whose inputs are {@code inputs}. */
    OpInfo sample(String label, Function<List<Tensor>, Tensor> apply, Tensor... inputs) {
        samples.add(new Sample(op.name().toLowerCase() + ": " + label, List.of(inputs), apply));
        return this;
    }

    /** The op has no gradient (comparisons): gradients are checked to be absent, not finite-differenced. */
    OpInfo noGradient() {
        gradCheck = false;
        return this;
    }

    /** The op is built only by gradient rules; its samples run a parent op forward and backward. */
    OpInfo backwardOnly() {
        backwardOnly = true;
        return this;
    }

    OpInfo stateful() {
        stateful = true;
        return this;
    }

    OpInfo tolerance(double rel) {
        parityTolerance = rel;
        return this;
    }

    OpInfo rejects(String label, Executable call, Class<? extends Throwable> type, String... culprits) {
        badInputs.add(new BadInput(op.name().toLowerCase() + ": " + label, call, type, culprits));
        return this;
    }

    @Override
    public String toString() { return op.name(); }
}
