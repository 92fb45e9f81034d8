package org.jitgrad.app.model;

import org.jitgrad.compile.Compiled;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.Module;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Tensor;

/**
 * One optimisation step on a batch (cross-entropy loss), with either engine. The compiled engine's
 * batch is dynamic: one compiled program serves the full batches and the short last batch of an epoch.
 */
public final class TrainStep {
    private final Engine engine;
    private final Module model;
    private final Optimizer optimizer;
    private final Compiled compiled;
    private final InputNorm norm;
    private float[] scratch = new float[0];

    /** A step that standardizes each batch's features with {@code norm} first (into its own buffer). */
    public TrainStep(Engine engine, Module model, Optimizer optimizer, InputNorm norm) {
        this.norm = norm;
        this.engine = engine;
        this.model = model;
        this.optimizer = optimizer;
        this.compiled = engine == Engine.COMPILED
                ? Compiled.trace(in -> Losses.crossEntropy(model.forward(in[0]), in[1])).withOptimizer(optimizer).withDynamicBatch()
                : null;
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
        if (compiled != null) return compiled.run(x, y);
        optimizer.zeroGrad();
        Tensor loss = Losses.crossEntropy(model.forward(x), y);
        loss.backward();
        optimizer.step();
        return loss.item();
    }

    public Engine engine() { return engine; }

    /** Compiled specializations so far (0 for the tape). */
    public int compileCount() { return compiled == null ? 0 : compiled.compileCount(); }
}
