package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.nn.Block;
import org.jitgrad.nn.Embedding;
import org.jitgrad.nn.LayerNorm;
import org.jitgrad.nn.Losses;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Losses and gradients against PyTorch's, computed in float64 by {@code benchmarks/pytorch/reference_values.py}
 * (committed under {@code src/test/resources/reference}), in both engines.
 */
class PyTorchReferenceTest {
    /** float32 against float64 through a few dozen ops: relative error well under 1e-4 of the tensor's scale. */
    private static final double REL = 2e-4;

    /** One model: its parameters by PyTorch name (in JitGrad's layout), and the loss as a function of them. */
    private record Model(Map<String, Tensor> params, TensorFn loss) {}

    @ParameterizedTest(name = "{0} on the {1}")
    @org.junit.jupiter.params.provider.CsvSource({"transformer_block, tape", "transformer_block, compiled",
            "tied_embedding, tape", "tied_embedding, compiled", "small_cnn, tape", "small_cnn, compiled"})
    void lossAndGradientsMatchPyTorch(String name, String engine) {
        ReferenceFile ref = ReferenceFile.load(name);
        Model m = switch (name) {
            case "transformer_block" -> transformerBlock(ref);
            case "tied_embedding" -> tiedEmbedding(ref);
            case "small_cnn" -> smallCnn(ref);
            default -> throw new IllegalArgumentException(name);
        };
        List<Tensor> params = List.copyOf(m.params().values());
        float loss;
        if (engine.equals("tape")) {
            Tensor l = m.loss().apply(new Tensor[0]);
            loss = l.item();
            l.backward();
        } else {
            loss = Compiled.trace(m.loss()).run();
        }
        assertClose(name + " loss", ref.values("loss"), new float[] {loss});
        for (Map.Entry<String, Tensor> e : m.params().entrySet()) {
            Tensor g = e.getValue().grad();
            assertNotNull(g, name + ": no gradient for " + e.getKey());
            double[] expected = ref.values("grad." + e.getKey());
            float[] actual = ref.dims("grad." + e.getKey()).length == 2 && isLinearWeight(e.getKey())
                    ? g.transpose().toArray() : g.toArray();
            assertClose(name + " grad." + e.getKey(), expected, actual);
        }
        assertEquals(params.size(), m.params().size());
    }

    private static boolean isLinearWeight(String key) {
        return key.contains("c_attn") || key.contains("c_proj") || key.contains("c_fc") || key.equals("fc.weight");
    }

    /** conv(1→3, 3x3, pad 1), relu, max-pool 2; conv(3→4, 3x3, stride 2, pad 1), relu, avg-pool 1; flatten; linear 16→5. */
    private static Model smallCnn(ReferenceFile ref) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (String key : List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias")) {
            params.put(key, (isLinearWeight(key) ? ref.linearWeight(key) : ref.tensor(key)).detach().requiresGrad());
        }
        Tensor x = ref.tensor("x"), targets = ref.tensor("targets");
        return new Model(params, in -> {
            Tensor h = x.conv2d(params.get("conv1.weight"), params.get("conv1.bias"), 1, 1).relu().maxPool2d(2, 2);
            h = h.conv2d(params.get("conv2.weight"), params.get("conv2.bias"), 2, 1).relu().avgPool2d(1, 1);
            Tensor logits = h.reshape(2, 16).matmul(params.get("fc.weight")).add(params.get("fc.bias"));
            return Losses.crossEntropy(logits, targets);
        });
    }

    private static Model transformerBlock(ReferenceFile ref) {
        Block block = new Block(8, 2, 0f, false, 1);
        Map<String, Tensor> params = block.namedParameters();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor v = isLinearWeight(e.getKey()) ? ref.linearWeight(e.getKey()) : ref.tensor(e.getKey());
            e.getValue().copyFrom(v.toArray());
        }
        Tensor x = ref.tensor("x"), r = ref.tensor("r");
        return new Model(params, in -> block.forward(x).mul(r).sum());
    }

    private static Model tiedEmbedding(ReferenceFile ref) {
        Embedding wte = new Embedding(11, 8, 1), wpe = new Embedding(5, 8, 2);
        LayerNorm lnF = new LayerNorm(8);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("wte.weight", wte.weight());
        params.put("wpe.weight", wpe.weight());
        params.put("ln_f.weight", lnF.weight());
        params.put("ln_f.bias", lnF.bias());
        for (Map.Entry<String, Tensor> e : params.entrySet()) e.getValue().copyFrom(ref.tensor(e.getKey()).toArray());
        Tensor ids = ref.tensor("ids"), targets = ref.tensor("targets").reshape(10);
        Tensor positions = Tensor.of(new float[] {0, 1, 2, 3, 4}, 5);
        return new Model(params, in -> {
            Tensor h = lnF.forward(Tensor.embedding(wte.weight(), ids).add(Tensor.embedding(wpe.weight(), positions)));
            Tensor logits = h.matmul(wte.weight().transpose());   // the head's weight is the token embedding
            return Losses.crossEntropy(logits.reshape(10, 11), targets);
        });
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) e[i] = (float) expected[i];
        Engines.assertClose(what, e, actual, REL);
    }
}
