package org.jitgrad.nn;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The Embedding, LayerNorm and Dropout modules, train/eval mode, and tied weights listed once. */
class EmbeddingLayerNormDropoutTest {
    @Test
    void embeddingIsStandardNormalFromItsSeedAndLooksUpRows() {
        Embedding e = new Embedding(11, 5, 3);
        assertEquals(Shape.of(11, 5), e.weight().shape());
        assertTrue(e.weight().isParameter());
        assertArrayEquals(Tensor.randn(3, 11, 5).toArray(), e.weight().toArray());
        assertEquals(List.of("weight"), List.copyOf(e.namedParameters().keySet()));
        Tensor y = e.forward(Tensor.of(new float[] {10, 0, 4, 4}, 2, 2));
        assertEquals(Shape.of(2, 2, 5), y.shape());
        float[] w = e.weight().toArray(), v = y.toArray();
        for (int c = 0; c < 5; c++) {
            assertEquals(w[10 * 5 + c], v[c]);
            assertEquals(w[4 * 5 + c], v[15 + c]);
        }
        assertThrowsNaming(IllegalArgumentException.class, () -> new Embedding(0, 5, 1), "Embedding", "numEmbeddings=0");
        assertThrowsNaming(IllegalArgumentException.class, () -> e.forward(Tensor.of(new float[] {11}, 1)),
                "embedding", "id 11.0", "[0, 11)");
    }

    @Test
    void layerNormMatchesHandComputedValues() {
        // mean 2.5, biased variance 1.25: (x - 2.5) / sqrt(1.25 + 1e-5)
        float[] expected = {-1.34163542f, -0.44721181f, 0.44721181f, 1.34163542f};
        LayerNorm ln = new LayerNorm(4);
        assertArrayEquals(new float[] {1, 1, 1, 1}, ln.weight().toArray());
        assertArrayEquals(new float[] {0, 0, 0, 0}, ln.bias().toArray());
        assertArrayEquals(expected, ln.forward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 4)).toArray(), 1e-6f);
        ln.weight().copyFrom(new float[] {1, 2, 0.5f, -1});
        ln.bias().copyFrom(new float[] {0.1f, 0.2f, 0.3f, 0.4f});
        assertArrayEquals(new float[] {-1.24163542f, -0.69442361f, 0.5236059f, -0.94163542f},
                ln.forward(Tensor.of(new float[] {1, 2, 3, 4}, 4)).toArray(), 1e-6f);
        // a constant row normalizes to zeros (eps keeps it finite)
        assertArrayEquals(new float[6], new LayerNorm(3).forward(Tensor.full(2f, 2, 3)).toArray(), 1e-6f);
    }

    @Test
    void layerNormWithoutAffineOrBias() {
        LayerNorm plain = new LayerNorm(4, 1e-5f, false, false);
        assertNull(plain.weight());
        assertNull(plain.bias());
        assertTrue(plain.namedParameters().isEmpty());
        assertArrayEquals(new float[] {-1.34163542f, -0.44721181f, 0.44721181f, 1.34163542f},
                plain.forward(Tensor.of(new float[] {1, 2, 3, 4}, 4)).toArray(), 1e-6f);
        LayerNorm noBias = new LayerNorm(4, 1e-5f, true, false);
        assertEquals(List.of("weight"), List.copyOf(noBias.namedParameters().keySet()));
        assertThrowsNaming(IllegalArgumentException.class, () -> new LayerNorm(4, 1e-5f, false, true), "LayerNorm", "bias");
        assertThrowsNaming(IllegalArgumentException.class, () -> new LayerNorm(4, -1f, true, true), "LayerNorm", "eps", "-1.0");
        assertThrowsNaming(ShapeException.class, () -> plain.forward(Tensor.zeros(2, 3)), "LayerNorm(4)", "[2, 3]");
        assertThrowsNaming(ShapeException.class, () -> plain.forward(Tensor.scalar(1f)), "LayerNorm(4)", "[]");
    }

    @Test
    void layerNormGradientsReachWeightAndBias() {
        LayerNorm ln = new LayerNorm(3);
        Tensor x = Tensor.of(new float[] {1, 2, 4, 0, 3, 3}, 2, 3);
        ln.forward(x).mul(Tensor.of(new float[] {1, 2, 3}, 3)).sum().backward();
        assertArrayEquals(new float[] {2, 4, 6}, ln.bias().grad().toArray(), 0f);
        assertEquals(3, ln.weight().grad().size());
    }

    @Test
    void dropoutObeysTrainAndEval() {
        Dropout d = new Dropout(0.5f, 7);
        assertTrue(d.isTraining());
        Tensor x = Tensor.ones(1000);
        float[] trained = d.forward(x).toArray();
        int zeros = 0;
        for (float v : trained) {
            assertTrue(v == 0f || v == 2f, "value " + v);
            if (v == 0f) zeros++;
        }
        assertTrue(zeros > 400 && zeros < 600, zeros + " zeros of 1000");
        d.eval();
        assertFalse(d.isTraining());
        assertArrayEquals(x.toArray(), d.forward(x).toArray());
        assertEquals(1, d.stream().position(), "eval draws nothing");
        d.train(true);
        assertFalse(java.util.Arrays.equals(trained, d.forward(x).toArray()), "the next training call draws anew");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Dropout(1f, 0), "Dropout", "[0, 1)", "1.0");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Dropout(-0.5f, 0), "Dropout", "-0.5");
        assertSame(x, new Dropout(0f, 1).forward(x));
    }

    @Test
    void sequentialSwitchesEveryLayersMode() {
        Dropout d1 = new Dropout(0.1f, 1), d2 = new Dropout(0.2f, 2);
        Sequential inner = new Sequential(d2, Activation.RELU);
        Sequential model = new Sequential(new Linear(3, 3, 0), d1, inner);
        assertTrue(model.isTraining());
        model.eval();
        assertFalse(model.isTraining());
        assertFalse(inner.isTraining());
        assertFalse(d1.isTraining());
        assertFalse(d2.isTraining());
        model.train(true);
        assertTrue(d1.isTraining() && d2.isTraining() && inner.isTraining());
        assertTrue(Activation.RELU.isTraining(), "a module without a mode answers true");
    }

    /** A language-model head that reuses an embedding table: {@code x · Wᵀ}. */
    private record TiedHead(Tensor weight) implements Module {
        @Override
        public Tensor forward(Tensor x) { return x.matmul(weight.transpose()); }

        @Override
        public Map<String, Tensor> namedParameters() { return Map.of("weight", weight); }
    }

    @Test
    void aTiedWeightIsListedOnceAndGetsTheGradientOfBothUses() {
        Embedding emb = new Embedding(5, 3, 1);
        Sequential model = new Sequential(emb, new LayerNorm(3), new TiedHead(emb.weight()));
        Map<String, Tensor> named = model.namedParameters();
        assertEquals(List.of("0.weight", "1.weight", "1.bias"), List.copyOf(named.keySet()));
        assertSame(emb.weight(), named.get("0.weight"));
        assertEquals(3, model.parameters().size());

        Tensor ids = Tensor.of(new float[] {0, 4, 4}, 3);
        Tensor r = Tensor.randn(8, 3, 5);
        model.forward(ids).mul(r).sum().backward();
        float[] both = emb.weight().grad().toArray();
        // the two uses separately: lookup with a frozen head, head with a frozen lookup
        Tensor w = emb.weight();
        Tensor lookupOnly = Tensor.of(w.toArray(), 5, 3).requiresGrad();
        new Sequential(new EmbeddingOf(lookupOnly), new LayerNorm(3), new TiedHead(w.detach())).forward(ids).mul(r).sum().backward();
        Tensor headOnly = Tensor.of(w.toArray(), 5, 3).requiresGrad();
        new Sequential(new EmbeddingOf(w.detach()), new LayerNorm(3), new TiedHead(headOnly)).forward(ids).mul(r).sum().backward();
        float[] a = lookupOnly.grad().toArray(), b = headOnly.grad().toArray();
        for (int i = 0; i < both.length; i++) assertEquals(a[i] + b[i], both[i], 1e-5f, "element " + i);
    }

    /** An embedding over a given table. */
    private record EmbeddingOf(Tensor table) implements Module {
        @Override
        public Tensor forward(Tensor ids) { return Tensor.embedding(table, ids); }

        @Override
        public Map<String, Tensor> namedParameters() { return Map.of(); }
    }

    @Test
    void namedParametersRejectsTwoTensorsUnderOneName() {
        NamedParameters p = new NamedParameters().add("w", Tensor.zeros(1)).add("w2", Tensor.zeros(2));
        Tensor shared = Tensor.zeros(3);
        p.add("a", shared).add("b", shared);
        assertEquals(List.of("w", "w2", "a"), List.copyOf(p.toMap().keySet()));
        assertThrowsNaming(IllegalArgumentException.class, () -> p.add("w", Tensor.zeros(1)), "'w'");
    }
}
