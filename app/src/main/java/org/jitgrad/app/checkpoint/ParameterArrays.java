package org.jitgrad.app.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jitgrad.nn.Module;
import org.jitgrad.tensor.Tensor;

/** A model's parameters as saved: copied out by name, and matched name by name and shape by shape on the way back. */
final class ParameterArrays {
    private ParameterArrays() {}

    /** Copies of the model's parameters, in its order. */
    static List<NamedArray> capture(Module model) {
        List<NamedArray> params = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            Tensor t = e.getValue();
            params.add(new NamedArray(e.getKey(), t.shape().dims(), t.storage().clone()));
        }
        return params;
    }

    /**
     * The model's tensors that {@code saved} fills, in order, after checking that the names and shapes
     * agree one for one. Changes nothing.
     *
     * @throws CheckpointException naming the first disagreement
     */
    static List<Tensor> targets(List<NamedArray> saved, Module model) throws CheckpointException {
        Map<String, Tensor> named = model.namedParameters();
        if (named.size() != saved.size()) {
            throw new CheckpointException("checkpoint does not match the model: checkpoint has " + saved.size()
                    + " tensors, model has " + named.size());
        }
        List<Tensor> targets = new ArrayList<>();
        Iterator<Map.Entry<String, Tensor>> it = named.entrySet().iterator();
        for (NamedArray s : saved) {
            Map.Entry<String, Tensor> e = it.next();
            if (!e.getKey().equals(s.name())) {
                throw new CheckpointException("checkpoint does not match the model: tensor '" + s.name()
                        + "' where the model has '" + e.getKey() + "'");
            }
            int[] dims = e.getValue().shape().dims();
            if (!Arrays.equals(dims, s.shape())) {
                throw new CheckpointException("checkpoint does not match the model: tensor '" + s.name() + "' has shape "
                        + Arrays.toString(s.shape()) + ", model has " + Arrays.toString(dims));
            }
            targets.add(e.getValue());
        }
        return targets;
    }

    /** Copies {@code saved[i]} into {@code targets[i]} (as matched by {@link #targets}). */
    static void copyInto(List<Tensor> targets, List<NamedArray> saved) {
        for (int i = 0; i < targets.size(); i++) targets.get(i).copyFrom(saved.get(i).values());
    }
}
