package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Function;
import org.jitgrad.nn.Losses;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.LrSchedule;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Tensor;

/**
 * A nanoGPT-style training loop (schedule the rate, forward, backward, clip, step) run on the tape and
 * as a compiled step with the clipping and the update fused, on two identical small networks; asserts
 * that losses, gradient norms and final parameters agree.
 */
final class TrainingParity {
    private TrainingParity() {}

    /**
     * A two-layer network with a layer norm: {@code W1 [20,33], b1 [33], gain [33], shift [33], W2 [33,5], b2 [5]};
     * two matrices and four vectors, the two kinds nanoGPT's weight-decay groups tell apart.
     */
    record Net(List<Tensor> parameters) {
        static Net of(long seed) {
            return new Net(List.of(
                    Tensor.uniform(seed, -0.3f, 0.3f, 20, 33).requiresGrad(),
                    Tensor.uniform(seed + 1, -0.1f, 0.1f, 33).requiresGrad(),
                    Tensor.uniform(seed + 2, 0.8f, 1.2f, 33).requiresGrad(),
                    Tensor.uniform(seed + 3, -0.1f, 0.1f, 33).requiresGrad(),
                    Tensor.uniform(seed + 4, -0.3f, 0.3f, 33, 5).requiresGrad(),
                    Tensor.uniform(seed + 5, -0.1f, 0.1f, 5).requiresGrad()));
        }

        Tensor loss(Tensor x, Tensor labels) {
            List<Tensor> p = parameters;
            Tensor h = x.matmul(p.get(0)).add(p.get(1)).layerNorm(p.get(2), p.get(3), 1e-5f).gelu();
            return Losses.crossEntropy(h.matmul(p.get(4)).add(p.get(5)), labels);
        }

        TensorFn fn() {
            return in -> loss(in[0], in[1]);
        }
    }

    /** How a step is made: the optimizer, the clipping bound (NaN: none) and the schedule (null: none). */
    record Recipe(Function<List<Tensor>, Optimizer> optimizer, float maxNorm, LrSchedule schedule) {
        boolean clips() { return !Float.isNaN(maxNorm); }
    }

    static Tensor input(long step) {
        return Tensor.randn(100 + step, 9, 20).mul(2f);
    }

    static Tensor labels() {
        return OpCoverageTest.labels(9, 5);
    }

    /** The compiled training step for {@code net} under {@code recipe}. */
    static Compiled compiledStep(Net net, Optimizer opt, Recipe recipe) {
        Compiled step = Compiled.trace(net.fn()).withOptimizer(opt);
        return recipe.clips() ? step.withGradClipping(recipe.maxNorm()) : step;
    }

    /** One tape step; returns the loss and, when clipping, the norm before clipping (else NaN). */
    static float[] tapeStep(Net net, Optimizer opt, Recipe recipe, long s, Tensor x, Tensor y) {
        if (recipe.schedule() != null) recipe.schedule().applyTo(opt, s);
        opt.zeroGrad();
        Tensor loss = net.loss(x, y);
        float value = loss.item();
        loss.backward();
        float norm = recipe.clips() ? GradClip.clipGradNorm(opt.parameters(), recipe.maxNorm()) : Float.NaN;
        opt.step();
        return new float[] {value, norm};
    }

    /**
     * Runs {@code steps} steps on both engines after warming both up on throwaway networks (see
     * {@link Engines} on JIT tiers and rounding) and compares them.
     *
     * @return the gradient norms (before clipping) of the compiled run, per step
     */
    static float[] assertSameTraining(Recipe recipe, int steps) {
        warmUp(recipe);
        Net tape = Net.of(3), compiled = Net.of(3);
        Optimizer tapeOpt = recipe.optimizer().apply(tape.parameters());
        Optimizer compiledOpt = recipe.optimizer().apply(compiled.parameters());
        Compiled step = compiledStep(compiled, compiledOpt, recipe);
        float[] norms = new float[steps];
        for (int s = 0; s < steps; s++) {
            Tensor x = input(s), y = labels();
            float[] t = tapeStep(tape, tapeOpt, recipe, s, x, y);
            if (recipe.schedule() != null) recipe.schedule().applyTo(compiledOpt, s);
            float compiledLoss = step.run(x, y);
            Engines.assertClose("loss at step " + s, new float[] {t[0]}, new float[] {compiledLoss}, 1e-5);
            assertEquals(tapeOpt.learningRate(), compiledOpt.learningRate(), 0f);
            if (recipe.clips()) {
                norms[s] = step.lastGradNorm();
                Engines.assertClose("gradient norm at step " + s, new float[] {t[1]}, new float[] {norms[s]}, 1e-5);
            }
        }
        assertEquals(1, step.compileCount(), "one compilation for every step");
        for (int i = 0; i < tape.parameters().size(); i++) {
            Engines.assertClose("parameter " + i + " " + tape.parameters().get(i).shape() + " after " + steps + " steps",
                    tape.parameters().get(i).toArray(), compiled.parameters().get(i).toArray(), 1e-5);
            Engines.assertClose("gradient of parameter " + i + " at the last step",
                    tape.parameters().get(i).grad().toArray(), compiled.parameters().get(i).grad().toArray(), 1e-5);
        }
        return norms;
    }

    private static void warmUp(Recipe recipe) {
        Net tape = Net.of(99), compiled = Net.of(99);
        Optimizer tapeOpt = recipe.optimizer().apply(tape.parameters());
        Optimizer compiledOpt = recipe.optimizer().apply(compiled.parameters());
        Compiled step = compiledStep(compiled, compiledOpt, recipe);
        for (int s = 0; s < 400; s++) {
            Tensor x = input(1000 + s), y = labels();
            tapeStep(tape, tapeOpt, recipe, s, x, y);
            if (recipe.schedule() != null) recipe.schedule().applyTo(compiledOpt, s);
            step.run(x, y);
        }
    }
}
