package org.jitgrad.compile;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jitgrad.compile.emit.GeneratedStep;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/**
 * One compiled program for one input-shape signature: the generated instance with its buffers, the
 * parameter tensors it reads, and the gradient tensors it writes. Used by one caller at a time.
 */
final class Specialization {
    private final Shape[] inputShapes;
    private final GeneratedStep program;
    private final List<Tensor> parameters;
    private final Tensor[] gradients;
    private final float[] output;
    private final Shape outputShape;
    private final float[][] inputArrays;
    private final String explanation;
    private final AtomicBoolean busy = new AtomicBoolean();
    long lastUsed;

    Specialization(Shape[] inputShapes, GeneratedStep program, List<Tensor> parameters, Tensor[] gradients,
                   float[] output, Shape outputShape, String explanation) {
        this.inputShapes = inputShapes;
        this.program = program;
        this.parameters = parameters;
        this.gradients = gradients;
        this.output = output;
        this.outputShape = outputShape;
        this.inputArrays = new float[inputShapes.length][];
        this.explanation = explanation;
    }

    boolean matches(Tensor[] inputs) {
        for (int i = 0; i < inputs.length; i++) if (!inputs[i].shape().equals(inputShapes[i])) return false;
        return true;
    }

    /** Runs the program; returns the loss (training) or 0. Publishes gradients to the parameters. */
    float run(Tensor[] inputs) {
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("Compiled: this specialization is already running on another thread;"
                    + " a compiled step serves one caller at a time (use one Compiled per thread)");
        }
        try {
            for (int i = 0; i < inputs.length; i++) inputArrays[i] = inputs[i].storage();
            float loss = program.run(inputArrays);
            if (gradients != null) {
                for (int i = 0; i < gradients.length; i++) {
                    Tensor p = parameters.get(i);
                    if (p.grad() != gradients[i]) p.setGrad(gradients[i]);
                }
            }
            return loss;
        } finally {
            java.util.Arrays.fill(inputArrays, null);
            busy.set(false);
        }
    }

    /** A copy of the output of the last run. */
    Tensor outputCopy() {
        return Tensor.wrap(java.util.Arrays.copyOf(output, outputShape.size()), outputShape.dims());
    }

    String explanation() { return explanation; }

    /** The generated program, for tests that inspect the generated class. */
    GeneratedStep program() { return program; }
}
