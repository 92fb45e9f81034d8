package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Tensor;

/**
 * Trains two identical models in lockstep, one with a {@link Compiled} step whose batch is dynamic and
 * one with a step compiled for each batch shape alone ({@link Compiled#withStaticShapes()}), and asserts
 * after every step that the loss, every gradient and every parameter (so the fused optimizer's update)
 * agree to within {@link #REL} of the tensor's scale.
 */
final class DynamicParity {
    /**
     * Tight: the two programs run the same kernels in the same order, so they agree bit for bit where
     * the JIT runs both at one tier; the JDK's vector exp can differ by an ulp between the
     * interpreter, C1 and C2, and one program may be warmer than the other.
     */
    static final double REL = 1e-6;

    /** A model: its parameters and the loss function of its inputs. */
    record Model(List<Tensor> parameters, TensorFn loss) {}

    private DynamicParity() {}

    /**
     * Runs {@code sizes} (batch sizes, in order) through both steps.
     *
     * @param model     builds the same model for the same seed
     * @param optimizer the optimizer fused into both steps (null: none)
     * @param dynamic   makes the dynamic step from the plain one (say, {@code Compiled::withDynamicBatch},
     *                  or the identity for the automatic behaviour)
     * @param inputs    the inputs of a step of batch size s
     * @return the dynamic step
     */
    static Compiled assertSameTraining(Function<Long, Model> model, Function<List<Tensor>, Optimizer> optimizer,
                                       UnaryOperator<Compiled> dynamic, IntFunction<Tensor[]> inputs, int[] sizes) {
        Model a = model.apply(7L), b = model.apply(7L);
        Compiled dyn = Compiled.trace(a.loss());
        Compiled fixed = Compiled.trace(b.loss()).withStaticShapes();
        if (optimizer != null) {
            dyn = dyn.withOptimizer(optimizer.apply(a.parameters()));
            fixed = fixed.withOptimizer(optimizer.apply(b.parameters()));
        }
        dyn = dynamic.apply(dyn);
        for (int step = 0; step < sizes.length; step++) {
            int s = sizes[step];
            Tensor[] in = inputs.apply(s);
            String at = "step " + step + " (batch " + s + ")";
            float lossA = dyn.run(in);
            float lossB = fixed.run(in);
            Engines.assertClose(at + ": loss", new float[] {lossB}, new float[] {lossA}, REL);
            for (int p = 0; p < a.parameters().size(); p++) {
                Tensor ga = a.parameters().get(p).grad(), gb = b.parameters().get(p).grad();
                assertNotNull(ga, at + ": no gradient on parameter " + p);
                Engines.assertClose(at + ": gradient of parameter " + p, gb.toArray(), ga.toArray(), REL);
                Engines.assertClose(at + ": parameter " + p + " after the step", b.parameters().get(p).toArray(),
                        a.parameters().get(p).toArray(), REL);
            }
        }
        return dyn;
    }

    /** Every size of {@code sizes} once, in an order shuffled by {@code seed}. */
    static int[] shuffled(int[] sizes, long seed) {
        int[] s = sizes.clone();
        java.util.Random r = new java.util.Random(seed);
        for (int i = s.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }

    /** {@code 1, 2, ..., n}. */
    static int[] upTo(int n) {
        int[] s = new int[n];
        for (int i = 0; i < n; i++) s[i] = i + 1;
        return s;
    }
}
