package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Optimizer updates, one parameter array at a time, with PyTorch's semantics. Used by the tape's
 * optimizers and by the compiler's fused update, so both engines step identically.
 */
public final class UpdateKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private UpdateKernels() {}

    /**
     * SGD with momentum: {@code d = g + wd·p; v = μ·v + d; p -= lr·(nesterov ? d + μ·v : v)}.
     * With {@code μ = 0}, {@code v} is not touched (may be null).
     */
    public static void sgd(float[] p, float[] g, float[] v, int n, float lr, float momentum,
                           float weightDecay, boolean nesterov) {
        int i = 0;
        if (momentum == 0f) {
            for (int up = S.loopBound(n); i < up; i += L) {
                FloatVector pv = FloatVector.fromArray(S, p, i);
                FloatVector d = FloatVector.fromArray(S, g, i).add(pv.mul(weightDecay));
                pv.sub(d.mul(lr)).intoArray(p, i);
            }
            for (; i < n; i++) p[i] -= lr * (g[i] + weightDecay * p[i]);
            return;
        }
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i).add(pv.mul(weightDecay));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(momentum).add(d);
            vv.intoArray(v, i);
            FloatVector step = nesterov ? d.add(vv.mul(momentum)) : vv;
            pv.sub(step.mul(lr)).intoArray(p, i);
        }
        for (; i < n; i++) {
            float d = g[i] + weightDecay * p[i];
            float vi = momentum * v[i] + d;
            v[i] = vi;
            p[i] -= lr * (nesterov ? d + momentum * vi : vi);
        }
    }

    /**
     * Adam / AdamW. {@code m, v} are the moment estimates; {@code biasCorrection1 = 1 - β1^t},
     * {@code biasCorrection2 = 1 - β2^t}. With {@code decoupled} (AdamW) the weight decay shrinks
     * {@code p} directly; otherwise (Adam) it is added to the gradient.
     */
    public static void adam(float[] p, float[] g, float[] m, float[] v, int n, float lr, float beta1, float beta2,
                            float eps, float weightDecay, boolean decoupled, float biasCorrection1,
                            float biasCorrection2) {
        float stepSize = lr / biasCorrection1;
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(biasCorrection2));
        float shrink = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, i).mul(shrink);
            FloatVector d = FloatVector.fromArray(S, g, i).add(pv.mul(l2));
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(beta1).add(d.mul(1f - beta1));
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(d.mul(d).mul(1f - beta2));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.sqrt().mul(invSqrtBc2).add(eps);
            pv.sub(mv.div(denom).mul(stepSize)).intoArray(p, i);
        }
        for (; i < n; i++) {
            float pi = p[i] * shrink;
            float d = g[i] + l2 * pi;
            float mi = beta1 * m[i] + (1f - beta1) * d;
            float vi = beta2 * v[i] + (1f - beta2) * d * d;
            m[i] = mi;
            v[i] = vi;
            p[i] = pi - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }
}
