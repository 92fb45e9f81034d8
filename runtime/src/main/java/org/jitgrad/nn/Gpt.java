package org.jitgrad.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;

/**
 * A GPT as nanoGPT builds it: token and position embeddings summed, dropout, {@code nLayer} pre-norm
 * {@link Block}s, a final layer norm and a language-model head without bias whose weight is the token
 * embedding's (tied). Initialised as nanoGPT: every linear weight and embedding N(0, 0.02), the residual
 * output projections N(0, 0.02/√(2·nLayer)), layer-norm weights 1, biases 0. Parameter names are
 * nanoGPT's ({@code transformer.wte.weight}, {@code transformer.h.0.attn.c_attn.weight}, ...; the tied head
 * is listed once, as the embedding).
 */
public final class Gpt implements Module {
    private final GptConfig config;
    private final Embedding wte;
    private final Embedding wpe;
    private final Dropout drop;
    private final List<Block> blocks = new ArrayList<>();
    private final LayerNorm lnF;
    /** Position ids {@code [0, t)} of each sequence length seen, built once (a compiled step reads them as constants). */
    private final Map<Integer, Tensor> positions = new ConcurrentHashMap<>();

    /**
     * A model with nanoGPT's initialisation drawn from {@code seed}.
     *
     * @param config the sizes, already validated by {@link GptConfig}
     */
    public Gpt(GptConfig config, long seed) {
        this.config = config;
        int c = config.nEmbd();
        this.wte = new Embedding(config.vocabSize(), c, seed);
        this.wpe = new Embedding(config.block(), c, seed + 1);
        this.drop = new Dropout(config.dropout(), seed + 2);
        for (int i = 0; i < config.nLayer(); i++) {
            blocks.add(new Block(c, config.nHead(), config.dropout(), config.bias(), seed + 100L * (i + 1)));
        }
        this.lnF = new LayerNorm(c, 1e-5f, true, config.bias());
        initialise(new Random(seed));
    }

    private void initialise(Random random) {
        float residualStd = (float) (0.02 / Math.sqrt(2.0 * config.nLayer()));
        for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
            String name = e.getKey();
            Tensor p = e.getValue();
            if (name.contains(".ln_") || name.startsWith("transformer.ln_f")) continue;  // ones and zeros already
            if (name.endsWith(".bias")) {
                p.copyFrom(new float[p.size()]);
                continue;
            }
            float std = name.endsWith("c_proj.weight") ? residualStd : 0.02f;
            float[] v = new float[p.size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) (random.nextGaussian() * std);
            p.copyFrom(v);
        }
    }

    /**
     * Logits {@code [batch, time, vocab]} for token ids {@code [batch, time]} (integral values).
     *
     * @throws ShapeException if the ids are not {@code [batch, time]} with {@code time <= block}
     */
    @Override
    public Tensor forward(Tensor ids) {
        Shape s = ids.shape();
        if (s.rank() != 2 || s.dim(1) > config.block() || s.dim(1) == 0) {
            throw new ShapeException("GPT: expects token ids [batch, time] with 1 <= time <= block " + config.block() + ", got " + s);
        }
        int t = s.dim(1);
        Tensor x = drop.forward(wte.forward(ids).add(wpe.forward(positions(t))));
        for (Block b : blocks) x = b.forward(x);
        return lnF.forward(x).matmul(wte.weight().transpose());
    }

    /**
     * The mean cross-entropy of the next-token predictions: {@link Losses#crossEntropy} of {@link #forward}'s
     * logits over all {@code batch·time} positions.
     *
     * @param ids     token ids {@code [batch, time]}, as for {@link #forward}
     * @param targets the token expected at each position, same shape as {@code ids}
     * @return the loss, a scalar
     * @throws ShapeException           if the ids do not fit {@link #forward} or the targets' shape differs from theirs
     * @throws IllegalArgumentException if a target is not a token id
     */
    public Tensor loss(Tensor ids, Tensor targets) {
        if (!targets.shape().equals(ids.shape())) {
            throw new ShapeException("GPT: targets " + targets.shape() + " must have the shape of the ids " + ids.shape());
        }
        Tensor logits = forward(ids);
        int n = ids.size();
        return Losses.crossEntropy(logits.reshape(n, config.vocabSize()), targets.reshape(n));
    }

    private Tensor positions(int t) {
        return positions.computeIfAbsent(t, n -> {
            float[] p = new float[n];
            for (int i = 0; i < n; i++) p[i] = i;
            return Tensor.of(p, n);
        });
    }

    /** The configuration. */
    public GptConfig config() { return config; }

    /** The token embedding, which is also the language-model head. */
    public Embedding wte() { return wte; }

    @Override
    public void train(boolean on) {
        drop.train(on);
        for (Block b : blocks) b.train(on);
    }

    @Override
    public boolean isTraining() { return drop.isTraining(); }

    @Override
    public Map<String, Tensor> namedParameters() {
        NamedParameters n = new NamedParameters();
        n.addAll("transformer.wte", wte).addAll("transformer.wpe", wpe);
        for (int i = 0; i < blocks.size(); i++) n.addAll("transformer.h." + i, blocks.get(i));
        n.addAll("transformer.ln_f", lnF);
        return n.toMap();
    }

    /**
     * nanoGPT's {@code state_dict()} names: {@code transformer.wte.weight}, {@code transformer.wpe.weight},
     * {@code transformer.h.<i>.*} (see {@link Block#stateEntries()}), {@code transformer.ln_f.*} and
     * {@code lm_head.weight}, the tied head, which is the token embedding's tensor (its layout too: nanoGPT's head is
     * an {@code nn.Linear(n_embd, vocab)}, weight {@code [vocab, n_embd]}). Also {@code transformer.h.<i>.attn.bias},
     * the causal mask nanoGPT keeps as a buffer under PyTorch before 2.0 ({@code [1, 1, block, block]}, ones on and
     * below the diagonal), as a {@link StateEntry.Kind#FIXED_BUFFER}: accepted when loading, not written.
     */
    @Override
    public Map<String, StateEntry> stateEntries() {
        Map<String, StateEntry> m = new LinkedHashMap<>();
        StateEntry.putAll(m, "transformer.wte", wte);
        StateEntry.putAll(m, "transformer.wpe", wpe);
        StateEntry mask = StateEntry.fixedBuffer(causalMaskBuffer(config.block()));
        for (int i = 0; i < blocks.size(); i++) {
            m.put("transformer.h." + i + ".attn.bias", mask);
            StateEntry.putAll(m, "transformer.h." + i, blocks.get(i));
        }
        StateEntry.putAll(m, "transformer.ln_f", lnF);
        m.put("lm_head.weight", StateEntry.parameter(wte.weight()));
        return m;
    }

    /** nanoGPT's {@code torch.tril(torch.ones(t, t)).view(1, 1, t, t)}. */
    private static Tensor causalMaskBuffer(int t) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) Arrays.fill(m, i * t, i * t + i + 1, 1f);
        return Tensor.wrap(m, 1, 1, t, t);
    }

    @Override
    public String toString() { return "GPT" + config; }
}
