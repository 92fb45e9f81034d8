package org.jitgrad.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;
import org.jitgrad.tensor.NoGrad;
import org.jitgrad.tensor.Tensor;

/**
 * Finite-difference gradient checks. The scalar objective is {@code f = Σ op(x)·R} for a fixed random
 * {@code R}, accumulated in double from the output values; the analytic gradient comes from
 * {@code y.backward(R)}; the numeric one from central differences with a step relative to each element.
 */
public final class GradCheck {
    /** Relative error allowed per element. */
    public static final double REL_TOL = 1e-2;
    /** Absolute floor, as a fraction of the largest gradient magnitude (at least 1). */
    public static final double ABS_FLOOR = 1e-3;
    /** Step relative to {@code max(1, |x|)}. */
    public static final double STEP = 4e-3;

    private GradCheck() {}

    /** The outcome of one check: worst element and both gradients. */
    public record Result(boolean ok, String worst, float[][] analytic, double[][] numeric) {}

    /**
     * Checks {@code fn} at {@code inputs} (copied; the copies become parameters) and fails with the
     * worst element when any input's gradient is off.
     */
    public static void check(String what, Function<Tensor[], Tensor> fn, Tensor... inputs) {
        Result r = run(fn, 12345L, inputs);
        if (!r.ok()) fail(what + ": gradient check failed: " + r.worst());
    }

    /** Runs a check without failing. */
    public static Result run(Function<Tensor[], Tensor> fn, long seed, Tensor... inputs) {
        Tensor[] params = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            params[i] = Tensor.of(inputs[i].toArray(), inputs[i].shape().dims()).requiresGrad();
        }
        Tensor y = fn.apply(params);
        float[] r = Rand.uniform(seed, y.size(), -1f, 1f);
        y.backward(Tensor.of(r, y.shape().dims()));

        float[][] analytic = new float[inputs.length][];
        double[][] numeric = new double[inputs.length][];
        boolean ok = true;
        String worst = "all within tolerance";
        double worstRatio = -1;
        for (int k = 0; k < inputs.length; k++) {
            Tensor g = params[k].grad();
            analytic[k] = g == null ? new float[params[k].size()] : g.toArray();
            numeric[k] = new double[params[k].size()];
            float[] x = params[k].storage();
            for (int j = 0; j < x.length; j++) {
                float orig = x[j];
                float h = (float) (STEP * Math.max(1.0, Math.abs(orig)));
                float xp = orig + h, xm = orig - h;
                x[j] = xp;
                double fp = objective(fn, params, r);
                x[j] = xm;
                double fm = objective(fn, params, r);
                x[j] = orig;
                numeric[k][j] = (fp - fm) / ((double) xp - (double) xm);
            }
            double scale = 1.0;
            for (int j = 0; j < x.length; j++) scale = Math.max(scale, Math.abs(numeric[k][j]));
            double floor = ABS_FLOOR * scale;
            for (int j = 0; j < x.length; j++) {
                double a = analytic[k][j], n = numeric[k][j];
                double tol = REL_TOL * Math.max(Math.abs(a), Math.abs(n)) + floor;
                double ratio = Math.abs(a - n) / tol;
                if (Double.isNaN(ratio)) ratio = Double.POSITIVE_INFINITY;
                if (ratio > 1.0) ok = false;
                if (ratio > worstRatio) {
                    worstRatio = ratio;
                    worst = "input " + k + " " + params[k].shape() + " element " + j + ": analytic " + a
                            + " vs numeric " + n + " (error/tolerance " + ratio + ")";
                }
            }
        }
        return new Result(ok, worst, analytic, numeric);
    }

    private static double objective(Function<Tensor[], Tensor> fn, Tensor[] params, float[] r) {
        try (NoGrad ignored = NoGrad.enter()) {
            float[] y = fn.apply(params).toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) s += (double) y[i] * r[i];
            return s;
        }
    }
}
