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
