package org.jitgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jitgrad.testing.Throwing.assertThrowsNaming;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Module.stateDict and loadStateDict: PyTorch's names and layouts, tied weights, and state dicts that do not fit. */
class StateDictTest {
    private static final GptConfig SMALL = new GptConfig(11, 8, 2, 2, 16, 0f, false);

    @Test
    void sequentialCountsActivationsAndLinearWeightsAreOutByIn() {
        Sequential net = MLP.of(new int[] {4, 8, 3}, Activation.RELU, 42);
        Map<String, Tensor> sd = net.stateDict();
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(sd.keySet()));
        assertEquals(Shape.of(8, 4), sd.get("0.weight").shape());
        assertEquals(Shape.of(3, 8), sd.get("2.weight").shape());
        float[] ours = ((Linear) net.layers().get(0)).weight().toArray();   // [in 4, out 8]
        float[] theirs = sd.get("0.weight").toArray();                         // [out 8, in 4]
        for (int i = 0; i < 4; i++) {
            for (int o = 0; o < 8; o++) assertEquals(ours[i * 8 + o], theirs[o * 4 + i]);
        }
        assertArrayEquals(((Linear) net.layers().get(2)).bias().toArray(), sd.get("2.bias").toArray());
    }

    @Test
    void stateDictIsACopy() {
        Linear layer = new Linear(2, 2, 0);
        Map<String, Tensor> sd = layer.stateDict();
        sd.get("bias").storage()[0] = 123f;
        assertTrue(layer.bias().toArray()[0] != 123f);
        assertNotSame(layer.bias().storage(), sd.get("bias").storage());
    }

    @Test
    void aPyTorchLinearWeightIsTransposedOnTheWayIn() {
        Linear layer = new Linear(2, 3, 0);
        // PyTorch's nn.Linear(2, 3): weight [out 3, in 2].
        layer.loadStateDict(Map.of("weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2),
                "bias", Tensor.of(new float[] {0.5f, 0, -1}, 3)));
        float[] y = layer.forward(Tensor.of(new float[] {1, 10}, 1, 2)).toArray();
        assertArrayEquals(new float[] {21.5f, 43f, 64f}, y);
    }

    @Test
    void convLayerNormAndEmbeddingKeepTheirLayout() {
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, true, 5);
        Sequential cnn = new Sequential(conv, Activation.RELU, new MaxPool2d(2), new Flatten(), new Linear(12, 4, 6));
        Map<String, Tensor> sd = cnn.stateDict();
        assertEquals(List.of("0.weight", "0.bias", "4.weight", "4.bias"), List.copyOf(sd.keySet()));
        assertEquals(Shape.of(3, 2, 3, 3), sd.get("0.weight").shape());
        assertArrayEquals(conv.weight().toArray(), sd.get("0.weight").toArray());
        assertEquals(Shape.of(4, 12), sd.get("4.weight").shape());

        Embedding emb = new Embedding(5, 3, 1);
        LayerNorm ln = new LayerNorm(3);
        Map<String, Tensor> sd2 = new Sequential(emb, ln).stateDict();
        assertEquals(List.of("0.weight", "1.weight", "1.bias"), List.copyOf(sd2.keySet()));
        assertArrayEquals(emb.weight().toArray(), sd2.get("0.weight").toArray());
        assertEquals(Shape.of(5, 3), sd2.get("0.weight").shape());
    }

    @Test
    void gptUsesNanoGptsNamesWithTheTiedHeadUnderBothNames() {
        Gpt gpt = new Gpt(SMALL, 3);
        Map<String, Tensor> sd = gpt.stateDict();
        List<String> expected = new ArrayList<>(List.of("transformer.wte.weight", "transformer.wpe.weight"));
        for (int i = 0; i < 2; i++) {
            for (String s : List.of("ln_1.weight", "attn.c_attn.weight", "attn.c_proj.weight", "ln_2.weight", "mlp.c_fc.weight",
                    "mlp.c_proj.weight")) {
                expected.add("transformer.h." + i + "." + s);
            }
        }
        expected.addAll(List.of("transformer.ln_f.weight", "lm_head.weight"));
        assertEquals(expected, List.copyOf(sd.keySet()));
        assertEquals(Shape.of(48, 16), sd.get("transformer.h.0.attn.c_attn.weight").shape());
        assertEquals(Shape.of(64, 16), sd.get("transformer.h.1.mlp.c_fc.weight").shape());
        assertEquals(Shape.of(16, 64), sd.get("transformer.h.1.mlp.c_proj.weight").shape());
        assertEquals(Shape.of(11, 16), sd.get("lm_head.weight").shape());
        assertArrayEquals(gpt.wte().weight().toArray(), sd.get("lm_head.weight").toArray());

        Map<String, Tensor> withBias = new Gpt(new GptConfig(11, 8, 1, 2, 16, 0f, true), 3).stateDict();
        for (String s : List.of("transformer.h.0.ln_1.bias", "transformer.h.0.attn.c_attn.bias", "transformer.h.0.attn.c_proj.bias",
                "transformer.h.0.ln_2.bias", "transformer.h.0.mlp.c_fc.bias", "transformer.h.0.mlp.c_proj.bias",
                "transformer.ln_f.bias")) {
            assertTrue(withBias.containsKey(s), s);
        }
        assertEquals(Shape.of(48), withBias.get("transformer.h.0.attn.c_attn.bias").shape());
    }

    @Test
    void roundTripIsBitExact() {
        Sequential a = MLP.of(new int[] {5, 7, 4}, Activation.TANH, 1);
        Sequential b = MLP.of(new int[] {5, 7, 4}, Activation.TANH, 2);
        b.loadStateDict(a.stateDict());
        assertSameParameters(a, b);

        Gpt g1 = new Gpt(new GptConfig(11, 8, 2, 2, 16, 0f, true), 1);
        Gpt g2 = new Gpt(new GptConfig(11, 8, 2, 2, 16, 0f, true), 2);
        g2.loadStateDict(g1.stateDict());
        assertSameParameters(g1, g2);
        Tensor ids = Tensor.of(new float[] {1, 4, 0, 10, 3, 3}, 1, 6);
        assertArrayEquals(g1.forward(ids).toArray(), g2.forward(ids).toArray());
    }

    @Test
    void theTiedHeadAloneOrTheEmbeddingAloneIsEnough() {
        Gpt source = new Gpt(SMALL, 1);
        for (String drop : List.of("lm_head.weight", "transformer.wte.weight")) {
            Map<String, Tensor> sd = source.stateDict();
            sd.remove(drop);
            Gpt target = new Gpt(SMALL, 2);
            target.loadStateDict(sd);
            assertSameParameters(source, target);
        }
    }

    @Test
    void tiedCopiesThatDifferOrAreBothMissingAreRejected() {
        Gpt target = new Gpt(SMALL, 2);
        Map<String, float[]> before = values(target);
        Map<String, Tensor> sd = new Gpt(SMALL, 1).stateDict();
        sd.get("lm_head.weight").storage()[7] += 1f;
        assertThrowsNaming(StateDictException.class, () -> target.loadStateDict(sd),
                "'transformer.wte.weight' and 'lm_head.weight' are one tied tensor in the model but differ");
        sd.remove("lm_head.weight");
        sd.remove("transformer.wte.weight");
        assertThrowsNaming(StateDictException.class, () -> target.loadStateDict(sd),
                "missing 'transformer.wte.weight' [11, 16] (or its tied copy 'lm_head.weight')");
        assertUnchanged(before, target);
    }

    @Test
    void missingUnexpectedAndMisShapedEntriesAreAllNamedAndTheModelIsUntouched() {
        Sequential net = MLP.of(new int[] {4, 8, 3}, Activation.RELU, 42);
        Map<String, float[]> before = values(net);
        Map<String, Tensor> sd = MLP.of(new int[] {4, 8, 3}, Activation.RELU, 7).stateDict();
        sd.remove("2.bias");
        sd.put("1.weight", Tensor.zeros(8, 8));
        sd.put("0.weight", Tensor.zeros(4, 8));   // ours, not PyTorch's [out, in]
        StateDictException e = assertThrowsNaming(StateDictException.class, () -> net.loadStateDict(sd),
                "missing '2.bias' [3]", "unexpected '1.weight' [8, 8]", "'0.weight' has shape [4, 8], the model expects [8, 4]",
                "3 problems");
        assertEquals(3, e.problems().size());
        assertUnchanged(before, net);
    }

    @Test
    void nanoGptsCausalMaskBufferIsAcceptedOnlyWithItsValues() {
        Gpt source = new Gpt(SMALL, 1);
        Map<String, Tensor> sd = source.stateDict();
        float[] mask = new float[64];
        for (int i = 0; i < 8; i++) for (int j = 0; j <= i; j++) mask[i * 8 + j] = 1f;
        sd.put("transformer.h.0.attn.bias", Tensor.of(mask, 1, 1, 8, 8));
        sd.put("transformer.h.1.attn.bias", Tensor.of(mask, 1, 1, 8, 8));
        Gpt target = new Gpt(SMALL, 2);
        target.loadStateDict(sd);
        assertSameParameters(source, target);

        Gpt other = new Gpt(SMALL, 3);
        Map<String, float[]> before = values(other);
        mask[1] = 1f;   // position 0 may see position 1: not a causal mask
        sd.put("transformer.h.1.attn.bias", Tensor.of(mask, 1, 1, 8, 8));
        sd.put("transformer.h.0.attn.bias", Tensor.zeros(1, 1, 4, 4));
        assertThrowsNaming(StateDictException.class, () -> other.loadStateDict(sd),
                "'transformer.h.0.attn.bias' has shape [1, 1, 4, 4], the model expects [1, 1, 8, 8]",
                "'transformer.h.1.attn.bias' is a fixed buffer whose values differ");
        assertUnchanged(before, other);
    }

    @Test
    void nullValuesAndANullMapAreRejected() {
        Linear layer = new Linear(2, 2, 0);
        Map<String, Tensor> sd = new HashMap<>(layer.stateDict());
        sd.put("bias", null);
        assertThrowsNaming(StateDictException.class, () -> layer.loadStateDict(sd), "'bias' is null");
        assertThrows(NullPointerException.class, () -> layer.loadStateDict(null));
    }

    private static Map<String, float[]> values(Module m) {
        Map<String, float[]> v = new LinkedHashMap<>();
        m.namedParameters().forEach((k, t) -> v.put(k, t.toArray()));
        return v;
    }

    private static void assertUnchanged(Map<String, float[]> before, Module m) {
        m.namedParameters().forEach((k, t) -> assertArrayEquals(before.get(k), t.toArray(), k));
    }

    private static void assertSameParameters(Module expected, Module actual) {
        Map<String, Tensor> a = actual.namedParameters();
        expected.namedParameters().forEach((k, t) -> {
            float[] x = t.toArray(), y = a.get(k).toArray();
            assertEquals(x.length, y.length, k);
            for (int i = 0; i < x.length; i++) assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), k);
        });
    }
}
