package org.jitgrad.compile;

import java.util.List;
import java.util.function.Function;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.optim.AdamW;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** 50 steps with the optimizer fused into the generated class equal 50 tape steps. */
class FusedOptimizerTest {
    private static final int STEPS = 50;

    @Test
    void sgdWithMomentum() {
        compare(p -> new SGD(p, 0.05f, 0.9f));
    }

    @Test
    void sgdNesterovWithWeightDecay() {
        compare(p -> new SGD(p, 0.05f, 0.9f, 1e-3f, true));
    }

    @Test
    void adam() {
        compare(p -> new Adam(p, 1e-3f));
    }

    @Test
    void adamW() {
        compare(p -> new AdamW(p, 1e-3f, 0.05f));
    }

    /**
     * A weight that two layers share: the generated code updates a parameter right after the last step that reads it
     * or writes its gradient, so an update placed after the first layer's gradient would corrupt the second's.
     */
    @Test
    void aWeightSharedByTwoLayersIsUpdatedOnlyAfterBothGradients() {
        for (Function<List<Tensor>, Optimizer> make : List.<Function<List<Tensor>, Optimizer>>of(
                p -> new SGD(p, 0.05f, 0.9f), p -> new Adam(p, 1e-3f))) {
            Tensor[] tape = sharedWeightModel(), compiled = sharedWeightModel();
            Optimizer tapeOpt = make.apply(List.of(tape));
            Optimizer compiledOpt = make.apply(List.of(compiled));
            Compiled step = Compiled.trace(in -> sharedWeightLoss(compiled, in[0], in[1])).withOptimizer(compiledOpt);
            for (int s = 0; s < STEPS; s++) {
                Tensor x = Tensor.randn(200 + s, 7, 12);
                Tensor y = Tensor.randn(300 + s, 7, 12);
                tapeOpt.zeroGrad();
                Tensor loss = sharedWeightLoss(tape, x, y);
                float tapeLoss = loss.item();
                loss.backward();
                tapeOpt.step();
                float compiledLoss = step.run(x, y);
                Engines.assertClose("shared weight, loss at step " + s, new float[] {tapeLoss}, new float[] {compiledLoss}, 1e-5);
            }
            for (int i = 0; i < tape.length; i++) {
                Engines.assertClose("shared weight, parameter " + i, tape[i].toArray(), compiled[i].toArray(), 1e-5);
            }
        }
    }

    private static Tensor[] sharedWeightModel() {
        return new Tensor[] {Tensor.uniform(5, -0.3f, 0.3f, 12, 12).requiresGrad(), Tensor.uniform(6, -0.1f, 0.1f, 12).requiresGrad()};
    }

    private static Tensor sharedWeightLoss(Tensor[] p, Tensor x, Tensor y) {
        Tensor h = x.matmul(p[0]).add(p[1]).tanh();
        return Losses.mse(h.matmul(p[0]).tanh(), y);
    }

    /** Runs both engines on a throwaway model first (see {@link Engines} on JIT tiers and rounding). */
    private static void warmUp(Function<List<Tensor>, Optimizer> makeOptimizer) {
        Sequential model = MLP.of(new int[] {20, 33, 17, 5}, Activation.TANH, 99);
        Optimizer opt = makeOptimizer.apply(model.parameters());
        Compiled step = Compiled.trace(in -> Losses.crossEntropy(model.forward(in[0]), in[1])).withOptimizer(opt);
        for (int s = 0; s < 1000; s++) {
            Tensor x = Tensor.randn(s, 9, 20);
            Tensor y = OpCoverageTest.labels(9, 5);
            opt.zeroGrad();
            Losses.crossEntropy(model.forward(x), y).backward();
            opt.step();
            step.run(x, y);
        }
    }

    private static void compare(Function<List<Tensor>, Optimizer> makeOptimizer) {
        warmUp(makeOptimizer);
        Sequential tape = MLP.of(new int[] {20, 33, 17, 5}, Activation.TANH, 3);
        Sequential compiled = MLP.of(new int[] {20, 33, 17, 5}, Activation.TANH, 3);
        Optimizer tapeOpt = makeOptimizer.apply(tape.parameters());
        Optimizer compiledOpt = makeOptimizer.apply(compiled.parameters());
        Compiled step = Compiled.trace(in -> Losses.crossEntropy(compiled.forward(in[0]), in[1])).withOptimizer(compiledOpt);
        for (int s = 0; s < STEPS; s++) {
            Tensor x = Tensor.randn(100 + s, 9, 20);
            Tensor y = OpCoverageTest.labels(9, 5);
            tapeOpt.zeroGrad();
            Tensor loss = Losses.crossEntropy(tape.forward(x), y);
            float tapeLoss = loss.item();
            loss.backward();
            tapeOpt.step();
            float compiledLoss = step.run(x, y);
            Engines.assertClose("loss at step " + s, new float[] {tapeLoss}, new float[] {compiledLoss}, 1e-5);
        }
        for (int i = 0; i < tape.parameters().size(); i++) {
            Engines.assertClose("parameter " + i + " after " + STEPS + " steps", tape.parameters().get(i).toArray(),
                    compiled.parameters().get(i).toArray(), 1e-5);
        }
    }
}
