package org.jitgrad.app.model;

import org.jitgrad.compile.Compiled;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.Module;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Tensor;

/**
 * One optimisation step on a batch (cross-entropy loss), with either engine. The compiled engine's
 * batch is dynamic: one compiled program serves the full batches and the short last batch of an epoch.
 * With a {@link GradientExchange} other than {@link GradientExchange#NONE} the step is forward and
 * backward, then the exchange, then the optimizer's update (on the compiled engine the update then runs
 * outside the generated code: the same update, called from Java).
 */
public final class TrainStep {
    private final Engine engine;
    private final Module model;
    private final Optimizer optimizer;
    private final GradientExchange exchange;
    private final Compiled compiled;
    private final InputNorm norm;
    private float[] scratch = new float[0];

    /** A step that standardizes each batch's features with {@code norm} first (into its own buffer). */
    public TrainStep(Engine engine, Module model, Optimizer optimizer, InputNorm norm) {
        this(engine, model, optimizer, norm, GradientExchange.NONE);
    }

    /** A step that also calls {@code exchange} between the backward pass and the optimizer's update. */
    public TrainStep(Engine engine, Module model, Optimizer optimizer, InputNorm norm, GradientExchange exchange) {
        if (exchange == null) throw new IllegalArgumentException("TrainStep: exchange is null (use GradientExchange.NONE)");
        this.norm = norm;
        this.engine = engine;
        this.model = model;
        this.optimizer = optimizer;
        this.exchange = exchange;
        if (engine != Engine.COMPILED) {
            this.compiled = null;
        } else {
            Compiled gradients = Compiled.trace(in -> Losses.crossEntropy(model.forward(in[0]), in[1])).withDynamicBatch();
            this.compiled = exchange == GradientExchange.NONE ? gradients.withOptimizer(optimizer) : gradients;
        }
    }

    /**
     * Trains on {@code rows} examples; the arrays are read during the call only.
     *
     * @param features {@code rows x featureCount} row-major
     * @param labels   class indices as floats
     * @return the batch's mean loss before the update
     */
    public float step(float[] features, float[] labels, int rows, int featureCount) {
        int n = rows * featureCount;
        if (scratch.length != n) scratch = new float[n];
        norm.apply(features, scratch, n);
        Tensor x = Tensor.wrap(scratch, rows, featureCount);
        Tensor y = Tensor.wrap(labels, rows);
        if (compiled != null && exchange == GradientExchange.NONE) return compiled.run(x, y);
        float loss;
        if (compiled != null) {
            loss = compiled.run(x, y);
        } else {
            optimizer.zeroGrad();
            Tensor l = Losses.crossEntropy(model.forward(x), y);
            l.backward();
            loss = l.item();
        }
        exchange.exchange(rows);
        optimizer.step();
        return loss;
    }

    public Engine engine() { return engine; }

    /** Compiled specializations so far (0 for the tape). */
    public int compileCount() { return compiled == null ? 0 : compiled.compileCount(); }
}
