package org.jitgrad.app.serve;

import java.util.List;
import org.jitgrad.optim.Adam;
import org.jitgrad.tensor.Tensor;

/**
 * A copy of everything a training step changes (the parameters, Adam's two moments and its step
 * count, and optionally the served moving average), taken so that steps on throwaway data can be
 * undone exactly.
 */
final class SavedTrainingState {
    private final float[][] params, first, second, extra;
    private long step;

    private SavedTrainingState(List<Tensor> params, Adam adam, List<Tensor> extra) {
        int n = params.size();
        this.params = new float[n][];
        this.first = new float[n][];
        this.second = new float[n][];
        for (int i = 0; i < n; i++) {
            this.params[i] = new float[params.get(i).size()];
            this.first[i] = new float[adam.firstMoment(i).length];
            this.second[i] = new float[adam.secondMoment(i).length];
        }
        this.extra = extra == null ? null : extra.stream().map(t -> new float[t.size()]).toArray(float[][]::new);
        recapture(params, adam, extra);
    }

    /** Copies {@code params} (those {@code adam} manages, in its order) and {@code adam}'s state. */
    static SavedTrainingState capture(List<Tensor> params, Adam adam) {
        return new SavedTrainingState(params, adam, null);
    }

    /** As {@link #capture(List, Adam)}, and the values of {@code extra} too (null: none). */
    static SavedTrainingState capture(List<Tensor> params, Adam adam, List<Tensor> extra) {
        return new SavedTrainingState(params, adam, extra);
    }

    /** Copies the current values into this state's arrays (the same tensors and optimizer it was captured from). */
    void recapture(List<Tensor> params, Adam adam, List<Tensor> extra) {
        if ((extra == null) != (this.extra == null)) throw new IllegalArgumentException("recapture: extra tensors given at one end only");
        for (int i = 0; i < this.params.length; i++) {
            float[] p = params.get(i).storage();
            System.arraycopy(p, 0, this.params[i], 0, p.length);
            System.arraycopy(adam.firstMoment(i), 0, first[i], 0, first[i].length);
            System.arraycopy(adam.secondMoment(i), 0, second[i], 0, second[i].length);
        }
        step = adam.stepCount();
        if (extra != null) for (int i = 0; i < this.extra.length; i++) System.arraycopy(extra.get(i).storage(), 0, this.extra[i], 0, this.extra[i].length);
    }

    /** Writes the copies back into the same arrays, which compiled steps keep referring to. */
    void restore(List<Tensor> params, Adam adam) {
        for (int i = 0; i < this.params.length; i++) {
            params.get(i).copyFrom(this.params[i]);
            System.arraycopy(first[i], 0, adam.firstMoment(i), 0, first[i].length);
            System.arraycopy(second[i], 0, adam.secondMoment(i), 0, second[i].length);
        }
        adam.setStepCount(step);
    }

    /** As {@link #restore(List, Adam)}, and {@code extra}'s values too (the list given to capture them). */
    void restore(List<Tensor> params, Adam adam, List<Tensor> extra) {
        restore(params, adam);
        if ((extra == null) != (this.extra == null)) throw new IllegalArgumentException("restore: extra tensors given at one end only");
        if (extra != null) for (int i = 0; i < this.extra.length; i++) extra.get(i).copyFrom(this.extra[i]);
    }
}
