package org.jitgrad.app.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The CNN spec: what it builds, its description, and one training step with Adam on both engines. */
class CnnTrainStepTest {
    static final ModelSpec LENET = ModelSpec.of(ModelKind.CNN, 784, ModelKind.CNN.defaultHidden(), 10, Activation.RELU,
            new InputNorm(0.1307f, 0.3081f));

    @Test
    void specBuildsTheLeNetItDescribes() {
        Sequential net = LENET.build(1);
        long count = net.parameters().stream().mapToLong(Tensor::size).sum();
        assertEquals(61_706, count);
        assertEquals(count, LENET.parameterCount());
        assertArrayEquals(new int[] {120, 84}, LENET.hidden());
        assertEquals("cnn 28x28 (conv 5x5 6, pool 2, conv 5x5 16, pool 2) 400-120-84-10 relu, inputs standardized "
                + "(mean 0.1307, std 0.3081)", LENET.describe());
        assertEquals("cnn 28x28 (conv 5x5 6, pool 2, conv 5x5 16, pool 2) 400-10 tanh",
                ModelSpec.of(ModelKind.CNN, 784, new int[0], 10, Activation.TANH, InputNorm.IDENTITY).describe());
        assertTrue(!LENET.equals(new ModelSpec(ModelKind.MLP, LENET.sizes(), LENET.activation(), LENET.norm())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.of(ModelKind.CNN, 1024, new int[0], 10, Activation.RELU, InputNorm.IDENTITY));
        assertEquals("a cnn takes 28x28 images (784 inputs), got 1024 inputs", e.getMessage());
    }

    /** Three Adam steps: the compiled step with the update fused in against the tape, loss by loss and weight by weight. */
    @Test
    void compiledAndTapeStepsAgree() {
        Sequential tapeNet = LENET.build(9), compiledNet = LENET.build(9);
        TrainStep tape = new TrainStep(Engine.TAPE, tapeNet, new Adam(tapeNet.parameters(), 1e-3f), LENET.norm());
        TrainStep compiled = new TrainStep(Engine.COMPILED, compiledNet, new Adam(compiledNet.parameters(), 1e-3f), LENET.norm());
        float[] x = Tensor.uniform(10, 0f, 1f, 8, 784).toArray();
        float[] y = new float[8];
        for (int i = 0; i < y.length; i++) y[i] = (i * 7) % 10;
        float first = Float.NaN, last = Float.NaN;
        for (int s = 0; s < 3; s++) {
            float a = tape.step(x, y, 8, 784), b = compiled.step(x, y, 8, 784);
            assertEquals(a, b, 1e-5f * Math.max(1f, Math.abs(a)), "loss at step " + s);
            if (s == 0) first = b;
            last = b;
        }
        assertTrue(last < first, "three Adam steps on one batch should lower its loss: " + first + " -> " + last);
        assertEquals(1, compiled.compileCount());
        List<Tensor> p = tapeNet.parameters(), q = compiledNet.parameters();
        for (int i = 0; i < p.size(); i++) {
            float[] a = p.get(i).toArray(), b = q.get(i).toArray();
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j], b[j], 1e-5f, "parameter " + i + " value " + j);
            }
        }
    }
}
