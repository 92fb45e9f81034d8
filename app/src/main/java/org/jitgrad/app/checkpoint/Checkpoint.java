package org.jitgrad.app.checkpoint;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.model.OptimizerKind;
import org.jitgrad.nn.Module;
import org.jitgrad.optim.Adam;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;

/**
 * Everything a checkpoint holds, in memory: the model description, the parameters by name, the
 * optimizer state (or null) and a little training metadata. {@link #capture} copies it out of a live
 * model; {@link #restoreInto} validates it against a live model and only then copies it in, so a
 * checkpoint that does not fit leaves the model and optimizer untouched.
 * The file format is in {@link CheckpointFile}.
 */
public record Checkpoint(ModelSpec spec, List<NamedArray> parameters, OptimizerState optimizer, int epochs, String dataset) {

    public Checkpoint {
        parameters = List.copyOf(parameters);
        if (epochs < 0) throw new IllegalArgumentException("epochs < 0");
        if (dataset == null) dataset = "";
    }

    /** Copies the model's parameters and the optimizer's state (if it is an SGD or Adam; else none). */
    public static Checkpoint capture(ModelSpec spec, Module model, Optimizer optimizer, int epochs, String dataset) {
        List<NamedArray> params = ParameterArrays.capture(model);
        OptimizerState state = null;
        OptimizerKind kind = OptimizerKind.of(optimizer);
        if (kind != null) {
            List<NamedArray> arrays = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                NamedArray p = params.get(i);
                switch (optimizer) {
                    case SGD sgd -> arrays.add(new NamedArray("velocity:" + p.name(), p.shape(), sgd.velocity(i).clone()));
                    case Adam adam -> {
                        arrays.add(new NamedArray("m:" + p.name(), p.shape(), adam.firstMoment(i).clone()));
                        arrays.add(new NamedArray("v:" + p.name(), p.shape(), adam.secondMoment(i).clone()));
                    }
                    default -> throw new AssertionError(optimizer);
                }
            }
            float momentum = optimizer instanceof SGD sgd ? sgd.momentum() : 0f;
            long steps = optimizer instanceof Adam adam ? adam.stepCount() : 0L;
            state = new OptimizerState(kind, optimizer.learningRate(), momentum, steps, arrays);
        }
        return new Checkpoint(spec, params, state, epochs, dataset);
    }

    /** What {@link #restoreInto} did with the optimizer state. */
    public enum OptimizerRestore { RESTORED, NONE_SAVED, NO_OPTIMIZER, DIFFERENT_KIND }

    /**
     * Checks that this checkpoint fits {@code model} (described by {@code spec}) and, when the kinds
     * agree, {@code optimizer}; then copies the parameters and optimizer state in. Nothing is changed
     * unless every check passes.
     *
     * @param optimizer the optimizer to restore, or null for inference
     * @throws CheckpointException naming what does not match
     */
    public OptimizerRestore restoreInto(ModelSpec spec, Module model, Optimizer optimizer) throws CheckpointException {
        if (!this.spec.equals(spec)) {
            throw new CheckpointException("checkpoint does not match the model: checkpoint has " + this.spec.describe()
                    + ", model is " + spec.describe());
        }
        List<Tensor> targets = ParameterArrays.targets(parameters, model);
        OptimizerRestore outcome;
        OptimizerKind kind = OptimizerKind.of(optimizer);
        if (optimizer == null) {
            outcome = OptimizerRestore.NO_OPTIMIZER;
        } else if (this.optimizer == null) {
            outcome = OptimizerRestore.NONE_SAVED;
        } else if (kind != this.optimizer.kind()) {
            outcome = OptimizerRestore.DIFFERENT_KIND;
        } else {
            List<String> slots = OptimizerState.slots(kind);
            List<NamedArray> arrays = this.optimizer.arrays();
            if (arrays.size() != slots.size() * parameters.size()) {
                throw new CheckpointException("checkpoint optimizer state has " + arrays.size() + " arrays, expected "
                        + slots.size() * parameters.size());
            }
            for (int i = 0; i < parameters.size(); i++) {
                for (int s = 0; s < slots.size(); s++) {
                    NamedArray a = arrays.get(i * slots.size() + s);
                    String expected = slots.get(s) + ":" + parameters.get(i).name();
                    if (!a.name().equals(expected) || a.size() != parameters.get(i).size()) {
                        throw new CheckpointException("checkpoint optimizer state: array '" + a.name() + "' of " + a.size()
                                + " values where '" + expected + "' of " + parameters.get(i).size() + " was expected");
                    }
                }
            }
            long steps = this.optimizer.stepCount();
            if (steps < 0 || steps == Long.MAX_VALUE) {
                throw new CheckpointException("checkpoint optimizer state: step count " + steps + " out of range (0.."
                        + (Long.MAX_VALUE - 1) + ")");
            }
            outcome = OptimizerRestore.RESTORED;
        }
        // Everything validated: copy in.
        ParameterArrays.copyInto(targets, parameters);
        if (outcome == OptimizerRestore.RESTORED) {
            List<NamedArray> arrays = this.optimizer.arrays();
            for (int i = 0; i < parameters.size(); i++) {
                switch (optimizer) {
                    case SGD sgd -> System.arraycopy(arrays.get(i).values(), 0, sgd.velocity(i), 0, parameters.get(i).size());
                    case Adam adam -> {
                        System.arraycopy(arrays.get(2 * i).values(), 0, adam.firstMoment(i), 0, parameters.get(i).size());
                        System.arraycopy(arrays.get(2 * i + 1).values(), 0, adam.secondMoment(i), 0, parameters.get(i).size());
                    }
                    default -> throw new AssertionError(optimizer);
                }
            }
            if (optimizer instanceof Adam adam) adam.setStepCount(this.optimizer.stepCount());
        }
        return outcome;
    }
}
