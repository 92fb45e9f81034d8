package org.jitgrad.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jitgrad.tensor.Tensor;

/**
 * A pre-norm transformer block as in GPT-2 and nanoGPT: {@code x + attn(ln_1(x))}, then
 * {@code x + mlp(ln_2(x))} where the MLP is {@code c_proj(gelu(c_fc(x)))} with a 4x expansion and
 * dropout. Parameter names follow nanoGPT ({@code ln_1.weight}, {@code attn.c_attn.weight}, ...).
 */
public final class Block implements Module {
    private final LayerNorm ln1;
    private final CausalSelfAttention attn;
    private final LayerNorm ln2;
    private final Linear cFc;
    private final Linear cProj;
    private final Dropout dropout;

    /**
     * A block of width {@code nEmbd}; {@code bias} applies to the linear layers and layer norms alike.
     *
     * @param nEmbd   the width of the residual stream, a multiple of {@code nHead}
     * @param nHead   attention heads
     * @param dropout the probability of every dropout in the block, in {@code [0, 1)}
     * @param seed    the seed of the attention; the MLP's layers and dropout take {@code seed + 10} to {@code seed + 12}
     * @throws IllegalArgumentException if {@code nEmbd} is not a positive multiple of {@code nHead} or the dropout
     *                                  probability is not in {@code [0, 1)}
     */
    public Block(int nEmbd, int nHead, float dropout, boolean bias, long seed) {
        this.ln1 = new LayerNorm(nEmbd, 1e-5f, true, bias);
        this.attn = new CausalSelfAttention(nEmbd, nHead, dropout, bias, seed);
        this.ln2 = new LayerNorm(nEmbd, 1e-5f, true, bias);
        this.cFc = new Linear(nEmbd, 4 * nEmbd, bias, seed + 10);
        this.cProj = new Linear(4 * nEmbd, nEmbd, bias, seed + 11);
        this.dropout = new Dropout(dropout, seed + 12);
    }

    /**
     * The block applied to {@code x [batch, time, nEmbd]}, same shape out.
     *
     * @throws org.jitgrad.tensor.ShapeException if {@code x} is not {@code [batch, time, nEmbd]}
     */
    @Override
    public Tensor forward(Tensor x) {
        x = x.add(attn.forward(ln1.forward(x)));
        return x.add(dropout.forward(cProj.forward(cFc.forward(ln2.forward(x)).gelu())));
    }

    /** The attention. */
    public CausalSelfAttention attn() { return attn; }

    /** The MLP's expansion. */
    public Linear cFc() { return cFc; }

    /** The MLP's output projection. */
    public Linear cProj() { return cProj; }

    @Override
    public void train(boolean on) {
        attn.train(on);
        dropout.train(on);
    }

    @Override
    public boolean isTraining() { return dropout.isTraining(); }

    @Override
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        ln1.namedParameters().forEach((k, p) -> m.put("ln_1." + k, p));
        attn.namedParameters().forEach((k, p) -> m.put("attn." + k, p));
        ln2.namedParameters().forEach((k, p) -> m.put("ln_2." + k, p));
        cFc.namedParameters().forEach((k, p) -> m.put("mlp.c_fc." + k, p));
        cProj.namedParameters().forEach((k, p) -> m.put("mlp.c_proj." + k, p));
        return m;
    }

    /** nanoGPT's {@code Block}: {@code ln_1}, {@code attn}, {@code ln_2}, {@code mlp.c_fc}, {@code mlp.c_proj}. */
    @Override
    public Map<String, StateEntry> stateEntries() {
        Map<String, StateEntry> m = new LinkedHashMap<>();
        StateEntry.putAll(m, "ln_1", ln1);
        StateEntry.putAll(m, "attn", attn);
        StateEntry.putAll(m, "ln_2", ln2);
        StateEntry.putAll(m, "mlp.c_fc", cFc);
        StateEntry.putAll(m, "mlp.c_proj", cProj);
        return m;
    }

    @Override
    public String toString() { return "Block(" + attn + ")"; }
}
