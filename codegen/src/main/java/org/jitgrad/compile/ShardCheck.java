package org.jitgrad.compile;

import java.util.List;
import org.jitgrad.tensor.Tensor;

/**
 * The first-call check of a data-parallel step: on the first batch, the whole-batch program's loss and
 * gradients must equal the average of the shards'. That holds exactly (up to float rounding) when the
 * function is a mean of independent per-example losses, and fails by far more than rounding for a sum
 * over the batch, a statistic across examples or a nonlinearity after the mean.
 */
final class ShardCheck {
    /** Relative difference allowed; float rounding in the reordered sums stays orders of magnitude below. */
    static final double TOLERANCE = 1e-3;

    private ShardCheck() {}

    /**
     * Compiles and runs the whole-batch program on {@code inputs}, runs the shards without update, and
     * compares; leaves the shards' averaged gradients published.
     *
     * @throws TraceException naming the loss or the parameter that differs
     */
    static void verify(TensorFn fn, Tensor[] inputs, ShardedSpecialization sharded, List<Tensor> parameters) {
        Specialization whole = Compiler.compile(fn, inputs, true, null, null, 1);
        float wholeLoss = whole.compute(inputs);
        Tensor[] wholeGrads = whole.gradients();
        float shardedLoss = sharded.averagedGradients(inputs);
        String why = "withDataParallel: the function is not a mean over axis 0 of independent per-example losses"
                + " (checked on the first batch, split into " + sharded.replicas() + " shards): ";
        if (!(Math.abs(wholeLoss - shardedLoss) <= TOLERANCE * Math.max(1e-3, Math.abs(wholeLoss)))) {
            throw new TraceException(why + "the whole batch's loss is " + wholeLoss + " but the shards' mean loss is "
                    + shardedLoss);
        }
        for (int slot = 0; slot < parameters.size(); slot++) {
            float[] expected = wholeGrads[slot].storage();
            float[] actual = parameters.get(slot).grad().storage();
            double scale = 0, diff = 0;
            for (int i = 0; i < expected.length; i++) {
                scale = Math.max(scale, Math.abs(expected[i]));
                diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
            }
            if (!(diff <= TOLERANCE * Math.max(scale, 1e-12))) {
                throw new TraceException(why + "the gradient of parameter " + slot + " " + parameters.get(slot).shape()
                        + " differs by up to " + diff + " (its largest magnitude is " + scale + ")");
            }
        }
    }
}
