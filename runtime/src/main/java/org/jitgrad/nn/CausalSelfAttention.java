package org.jitgrad.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;

/**
 * Multi-head causal self-attention as nanoGPT writes it: one fused projection to queries, keys and values
 * ({@code c_attn}), split into {@code nHead} heads, scaled dot products {@code q·kᵀ/√d}, a causal mask
 * (position t sees positions up to t), softmax, attention dropout, the weighted sum of values, heads
 * concatenated, an output projection ({@code c_proj}) and residual dropout. Input and output
 * {@code [batch, time, nEmbd]}.
 */
public final class CausalSelfAttention implements Module {
    private final int nEmbd;
    private final int nHead;
    private final Linear cAttn;
    private final Linear cProj;
    private final Dropout attnDropout;
    private final Dropout residDropout;
    /** The mask of each sequence length seen, built once: a compiled step reads the same constant each call. */
    private final Map<Integer, Tensor> masks = new ConcurrentHashMap<>();

    /**
     * An attention layer with PyTorch's default initialisation of its two linear layers.
     *
     * @param nEmbd   the input and output width, a multiple of {@code nHead}
     * @param nHead   the number of heads; each has width {@code nEmbd / nHead}
     * @param dropout the probability of both the attention and the residual dropout, in {@code [0, 1)}
     * @param bias    whether the two linear layers have biases
     * @param seed    seeds {@code c_attn}; {@code c_proj} and the two dropouts take {@code seed + 1} to {@code seed + 3}
     * @throws IllegalArgumentException if {@code nEmbd} is not a positive multiple of {@code nHead}, or the dropout
     *                                  probability is not in {@code [0, 1)}
     */
    public CausalSelfAttention(int nEmbd, int nHead, float dropout, boolean bias, long seed) {
        if (nHead <= 0 || nEmbd <= 0 || nEmbd % nHead != 0) {
            throw new IllegalArgumentException("CausalSelfAttention: n_embd " + nEmbd + " must be a positive multiple of n_head "
                    + nHead);
        }
        this.nEmbd = nEmbd;
        this.nHead = nHead;
        this.cAttn = new Linear(nEmbd, 3 * nEmbd, bias, seed);
        this.cProj = new Linear(nEmbd, nEmbd, bias, seed + 1);
        this.attnDropout = new Dropout(dropout, seed + 2);
        this.residDropout = new Dropout(dropout, seed + 3);
    }

    /**
     * Attends over {@code x [batch, time, nEmbd]}, giving the same shape. The causal mask of each sequence length is
     * built once and kept.
     *
     * @throws ShapeException if {@code x} is not {@code [batch, time, nEmbd]}
     */
    @Override
    public Tensor forward(Tensor x) {
        Shape s = x.shape();
        if (s.rank() != 3 || s.dim(2) != nEmbd) {
            throw new ShapeException("CausalSelfAttention(" + nEmbd + "): expects [batch, time, " + nEmbd + "], got " + s);
        }
        int b = s.dim(0), t = s.dim(1), d = nEmbd / nHead;
        var qkv = cAttn.forward(x).split(nEmbd, 2);
        Tensor q = heads(qkv.get(0), b, t, d), k = heads(qkv.get(1), b, t, d), v = heads(qkv.get(2), b, t, d);
        Tensor att = q.matmul(k.transpose(-2, -1)).mul((float) (1 / Math.sqrt(d)));
        att = attnDropout.forward(att.maskedFill(causalMask(t), Float.NEGATIVE_INFINITY).softmax(-1));
        Tensor y = att.matmul(v).transpose(1, 2).reshape(b, t, nEmbd);
        return residDropout.forward(cProj.forward(y));
    }

    /** {@code [b, t, C] -> [b, nHead, t, d]}. */
    private Tensor heads(Tensor x, int b, int t, int d) {
        return x.reshape(b, t, nHead, d).transpose(1, 2);
    }

    /** {@code [t, t]}, 1 above the diagonal: the future positions each row must not see. */
    private Tensor causalMask(int t) {
        return masks.computeIfAbsent(t, n -> {
            float[] m = new float[n * n];
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) m[i * n + j] = 1f;
            return Tensor.of(m, n, n);
        });
    }

    /** The fused query-key-value projection. */
    public Linear cAttn() { return cAttn; }

    /** The output projection. */
    public Linear cProj() { return cProj; }

    @Override
    public void train(boolean on) {
        attnDropout.train(on);
        residDropout.train(on);
    }

    @Override
    public boolean isTraining() { return attnDropout.isTraining(); }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        cAttn.namedParameters().forEach((k, p) -> m.put("c_attn." + k, p));
        cProj.namedParameters().forEach((k, p) -> m.put("c_proj." + k, p));
        return m;
    }

    /** nanoGPT's {@code CausalSelfAttention}: {@code c_attn} and {@code c_proj}, PyTorch's {@code nn.Linear}s. */
    @Override
    public Map<String, StateEntry> stateEntries() {
        Map<String, StateEntry> m = new LinkedHashMap<>();
        StateEntry.putAll(m, "c_attn", cAttn);
        StateEntry.putAll(m, "c_proj", cProj);
        return m;
    }

    @Override
    public String toString() { return "CausalSelfAttention(n_embd=" + nEmbd + ", n_head=" + nHead + ")"; }
}
