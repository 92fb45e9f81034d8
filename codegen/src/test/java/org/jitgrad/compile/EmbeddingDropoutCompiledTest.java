package org.jitgrad.compile;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jitgrad.nn.Dropout;
import org.jitgrad.nn.Embedding;
import org.jitgrad.nn.LayerNorm;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.Module;
import org.jitgrad.nn.NamedParameters;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.RandomStream;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Embedding and dropout compiled against the tape: the same values and gradients, ids checked on
 * every call, masks drawn anew on every compiled call and the same masks as the tape's for the same
 * seed and sequence of calls, and a weight tied between the embedding and the output head.
 */
class EmbeddingDropoutCompiledTest {
        private static Tensor ids(float... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void embeddingGradientsMatchTheTape() {
        Tensor table = Tensor.randn(1, 7, 17).requiresGrad();
        for (Tensor idx : List.of(Tensor.of(new float[] {0, 3, 3, 6, 0, 3}, 2, 3), ids(6, 1, 1, 1, 4),
                Tensor.of(new float[] {2, 2, 5, 0, 6, 6}, 3, 1, 2), Tensor.scalar(4f))) {
            TensorFn fn = in -> {
                Tensor e = Tensor.embedding(table, in[0]);
                return e.tanh().mul(Tensor.randn(5, e.shape().dims())).sum();
            };
            Engines.assertSameLossAndGradients(fn, List.of(table), idx);
        }
    }

    @Test
    void embeddingBackwardTwiceOverTiedUses() {
        // the same table looked up twice and multiplied: two scatter-adds summed into one gradient
        Tensor table = Tensor.randn(2, 33, 7).requiresGrad();
        TensorFn fn = in -> Tensor.embedding(table, in[0]).mul(Tensor.embedding(table, in[1])).sum();
        Engines.assertSameLossAndGradients(fn, List.of(table), ids(0, 32, 5, 5, 17), ids(5, 5, 0, 1, 32));
    }

    @Test
    void compiledStepChecksIdsOnEveryCallAndChangesNothingOnABadOne() {
        Tensor table = Tensor.randn(3, 4, 5).requiresGrad();
        Compiled step = Compiled.trace(in -> Tensor.embedding(table, in[0]).pow(2f).sum());
        Tensor idx = Tensor.of(new float[] {0, 1, 2, 3, 3, 1}, 2, 3);
        float good = step.run(idx);
        float[] grad = table.grad().toArray(), values = table.toArray();
        for (float bad : new float[] {4f, -1f, 2.5f, Float.NaN}) {
            idx.storage()[4] = bad;
            assertThrowsNaming(IllegalArgumentException.class, () -> step.run(idx),
                    "embedding", "id " + bad, "flat index 4", "[1, 1]", "ids [2, 3]", "[0, 4)", "table [4, 5]");
            assertArrayEquals(grad, table.grad().toArray(), "gradient untouched");
            assertArrayEquals(values, table.toArray());
            assertThrowsNaming(IllegalArgumentException.class,
                    () -> Compiled.trace(in -> Tensor.embedding(table, in[0])).forward(idx), "id " + bad, "flat index 4");
        }
        idx.storage()[4] = 3f;
        assertEquals(good, step.run(idx), "the step still runs after a rejected call");
        idx.storage()[4] = 0f;
        float changed = step.run(idx);
        Tensor tape = Tensor.embedding(table, idx).pow(2f).sum();
        assertEquals(tape.item(), changed, 1e-5f * Math.abs(changed), "new id values are read on each call");
        assertEquals(1, step.compileCount());
    }

    @Test
    void compiledForwardDrawsTheTapesMasksAndANewOneEachCall() {
        RandomStream tapeStream = new RandomStream(11), compiledStream = new RandomStream(11);
        Tensor x = Tensor.randn(4, 7, 33);
        Compiled dropout = Compiled.trace(in -> in[0].dropout(0.4f, compiledStream));
        float[] previous = null;
        for (int call = 0; call < 5; call++) {
            float[] tape = x.dropout(0.4f, tapeStream).toArray();
            float[] compiled = dropout.forward(x).toArray();
            assertArrayEquals(tape, compiled, "call " + call);
            if (previous != null) assertFalse(Arrays.equals(previous, compiled), "call " + call + " repeated a mask");
            previous = compiled;
            assertEquals(call + 1, compiledStream.position(), "one draw per call, none for tracing");
        }
        assertEquals(1, dropout.compileCount());
    }

    @Test
    void oneStreamUsedTwiceInAFunctionDrawsInTheSameOrderInBothEngines() {
        RandomStream tapeStream = new RandomStream(3), compiledStream = new RandomStream(3);
        Tensor x = Tensor.randn(5, 17);
        Compiled fn = Compiled.trace(in -> in[0].dropout(0.5f, compiledStream).mul(2f).add(in[0].dropout(0.5f, compiledStream)));
        for (int call = 0; call < 3; call++) {
            float[] tape = x.dropout(0.5f, tapeStream).mul(2f).add(x.dropout(0.5f, tapeStream)).toArray();
            assertArrayEquals(tape, fn.forward(x).toArray(), "call " + call);
        }
        assertEquals(6, compiledStream.position());
    }

    @Test
    void compilingWithoutRunningDrawsNothing() {
        RandomStream s = new RandomStream(1);
        Tensor x = Tensor.randn(2, 9).requiresGrad();
        Compiled step = Compiled.trace(in -> x.dropout(0.5f, s).mul(in[0]).sum()).compile(Tensor.ones(9));
        step.compileForward(Tensor.ones(9));
        assertEquals(0, s.position());
        step.run(Tensor.ones(9));
        assertEquals(1, s.position());
    }

    @Test
    void evalModeReachesAStepCompiledInTrainingMode() {
        Dropout d = new Dropout(0.5f, 2);
        Tensor x = Tensor.randn(6, 65);
        Compiled fwd = Compiled.trace(in -> d.forward(in[0]));
        assertFalse(Arrays.equals(x.toArray(), fwd.forward(x).toArray()));
        d.eval();
        assertArrayEquals(x.toArray(), fwd.forward(x).toArray());
        assertEquals(1, d.stream().position());
        d.train(true);
        float[] expected = x.dropout(0.5f, seekTo(new RandomStream(2), 1)).toArray();
        assertArrayEquals(expected, fwd.forward(x).toArray());
        // and the other way: traced in eval mode, trains after train(true)
        Dropout e = new Dropout(0.5f, 9);
        e.eval();
        Compiled fwd2 = Compiled.trace(in -> e.forward(in[0]));
        assertArrayEquals(x.toArray(), fwd2.forward(x).toArray());
        e.train(true);
        assertArrayEquals(x.dropout(0.5f, new RandomStream(9)).toArray(), fwd2.forward(x).toArray());
    }

    private static RandomStream seekTo(RandomStream s, long position) {
        s.seek(position);
        return s;
    }

    /** A small language model: embedding, dropout, layer norm, and a head tied to the embedding table. */
    private static final class TinyLm implements Module {
        final Embedding embedding;
        final Dropout dropout;
        final LayerNorm norm;

        TinyLm(int vocab, int dim, float p) {
            embedding = new Embedding(vocab, dim, 21);
            dropout = new Dropout(p, 22);
            norm = new LayerNorm(dim);
        }

        @Override
        public Tensor forward(Tensor ids) {
            Tensor h = norm.forward(dropout.forward(embedding.forward(ids)));
            return h.matmul(embedding.weight().transpose());
        }

        @Override
        public Map<String, Tensor> namedParameters() {
            return new NamedParameters().addAll("embedding", embedding).addAll("norm", norm).toMap();
        }

        @Override
        public void train(boolean on) {
            dropout.train(on);
        }

        @Override
        public boolean isTraining() { return dropout.isTraining(); }
    }

    @Test
    void tapeAndCompiledTrainIdenticallyWithDropoutStepByStep() {
        TinyLm tapeModel = new TinyLm(11, 8, 0.3f), compiledModel = new TinyLm(11, 8, 0.3f);
        Tensor idx = ids(1, 4, 4, 10, 0, 7, 3);
        Tensor labels = ids(4, 4, 10, 0, 7, 3, 1);
        SGD tapeOpt = new SGD(tapeModel.parameters(), 0.1f, 0.9f);
        Compiled step = Compiled.trace(in -> Losses.crossEntropy(compiledModel.forward(in[0]), in[1]))
                .withOptimizer(new SGD(compiledModel.parameters(), 0.1f, 0.9f));
        float[] losses = new float[6];
        for (int k = 0; k < losses.length; k++) {
            tapeOpt.zeroGrad();
            Tensor loss = Losses.crossEntropy(tapeModel.forward(idx), labels);
            float tapeLoss = loss.item();
            loss.backward();
            tapeOpt.step();
            float compiledLoss = step.run(idx, labels);
            Engines.assertClose("loss at step " + k, new float[] {tapeLoss}, new float[] {compiledLoss}, 1e-5);
            losses[k] = tapeLoss;
        }
        for (int i = 0; i < 3; i++) {
            Engines.assertClose("parameter " + i + " after training", tapeModel.parameters().get(i).toArray(),
                    compiledModel.parameters().get(i).toArray(), 1e-4);
        }
        assertEquals(losses.length, tapeModel.dropout.stream().position());
        assertEquals(losses.length, compiledModel.dropout.stream().position());
        assertFalse(losses[losses.length - 1] >= losses[0], "training lowered the loss: " + Arrays.toString(losses));
    }

    @Test
    void tiedWeightGradientsMatchTheTape() {
        TinyLm model = new TinyLm(13, 7, 0.5f);
        model.eval();  // Engines runs the tape and the compiled step once each: the masks must not differ
        assertEquals(3, model.parameters().size(), "the tied table is one parameter");
        TensorFn fn = in -> Losses.crossEntropy(model.forward(in[0]), in[1]);
        Engines.assertSameLossAndGradients(fn, model.parameters(), ids(0, 12, 12, 5, 1), ids(12, 12, 5, 1, 0));
    }

    @Test
    void tiedWeightGetsBothGradientsInTheCompiledStep() {
        Tensor w = Tensor.randn(4, 5, 3).requiresGrad();
        Tensor idx = ids(0, 4, 4);
        Compiled both = Compiled.trace(in -> Tensor.embedding(w, in[0]).matmul(w.transpose()).pow(2f).sum());
        both.run(idx);
        float[] tied = w.grad().toArray();
        w.setGrad(null);
        Compiled.trace(in -> Tensor.embedding(w, in[0]).matmul(w.detach().transpose()).pow(2f).sum()).run(idx);
        float[] lookup = w.grad().toArray();
        w.setGrad(null);
        Compiled.trace(in -> Tensor.embedding(w.detach(), in[0]).matmul(w.transpose()).pow(2f).sum()).run(idx);
        float[] head = w.grad().toArray();
        for (int i = 0; i < tied.length; i++) assertEquals(lookup[i] + head[i], tied[i], 1e-4f, "element " + i);
    }
}
