package org.jitgrad.app.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jitgrad.app.model.Engine;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.model.TrainStep;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Module;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.tensor.Tensor;

/** A small model trained for a few steps, to make real checkpoints from. */
final class Fixtures {
    static final ModelSpec SPEC = new ModelSpec(new int[] {64, 32, 10}, Activation.RELU, new InputNorm(0.3f, 0.4f));

    private Fixtures() {}

    /** A trained model with its Adam, captured as a checkpoint. */
    static Checkpoint trained(long seed) {
        Sequential net = SPEC.build(seed);
        Adam adam = new Adam(net.parameters(), 0.01f);
        TrainStep step = new TrainStep(Engine.TAPE, net, adam, SPEC.norm());
        float[] x = Tensor.randn(seed + 100, 16, 64).toArray();
        float[] y = new float[16];
        for (int i = 0; i < y.length; i++) y[i] = i % 10;
        for (int s = 0; s < 5; s++) step.step(x, y, 16, 64);
        return Checkpoint.capture(SPEC, net, adam, 2, "digits");
    }

    /** Deep copies of every parameter and Adam state array, to compare before/after. */
    static List<float[]> snapshot(Module model, Adam adam) {
        List<float[]> all = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) all.add(e.getValue().storage().clone());
        for (int i = 0; i < model.parameters().size(); i++) {
            all.add(adam.firstMoment(i).clone());
            all.add(adam.secondMoment(i).clone());
        }
        all.add(new float[] {adam.stepCount()});
        return all;
    }
}
