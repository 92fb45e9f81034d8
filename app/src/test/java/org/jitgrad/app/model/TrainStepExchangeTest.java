package org.jitgrad.app.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A step with a gradient exchange: backward, then the exchange, then the update, on both engines. */
class TrainStepExchangeTest {
    private static final ModelSpec MLP = ModelSpec.of(ModelKind.MLP, 5, new int[] {8}, 3, Activation.TANH, InputNorm.IDENTITY);
    private static final int ROWS = 6;
    private final float[] x = Tensor.uniform(4, -1f, 1f, ROWS, 5).toArray();
    private final float[] y = {0, 1, 2, 2, 1, 0};

    @Test
    void anExchangeThatKeepsTheGradientsGivesTheFusedStep() {
        for (Engine engine : Engine.values()) {
            Sequential net = MLP.build(3);
            int[] calls = {0};
            TrainStep step = new TrainStep(engine, net, new Adam(net.parameters(), 0.01f), MLP.norm(), rows -> {
                assertEquals(ROWS, rows);
                for (Tensor p : net.parameters()) assertNotNull(p.grad(), "every gradient is there before the exchange");
                calls[0]++;
            });
            Sequential reference = MLP.build(3);
            TrainStep ref = new TrainStep(Engine.COMPILED, reference, new Adam(reference.parameters(), 0.01f), MLP.norm());
            for (int s = 0; s < 3; s++) {
                float a = ref.step(x, y, ROWS, 5), b = step.step(x, y, ROWS, 5);
                assertEquals(a, b, 1e-6f, engine + ": loss at step " + s);
            }
            assertEquals(3, calls[0]);
            for (int i = 0; i < net.parameters().size(); i++) {
                float[] e = reference.parameters().get(i).toArray(), g = net.parameters().get(i).toArray();
                if (engine == Engine.COMPILED) {
                    assertArrayEquals(e, g, "the same program and the same update called from Java: bit for bit");
                } else {
                    assertArrayEquals(e, g, 1e-6f, "the tape");
                }
            }
        }
    }

    @Test
    void theUpdateAppliesTheExchangedGradients() {
        for (Engine engine : Engine.values()) {
            Sequential net = MLP.build(5);
            List<Tensor> params = net.parameters();
            float[][] before = params.stream().map(Tensor::toArray).toArray(float[][]::new);
            TrainStep step = new TrainStep(engine, net, new SGD(params, 0.5f, 0f), MLP.norm(), rows -> {
                for (Tensor p : params) Arrays.fill(p.grad().storage(), 1f);
            });
            step.step(x, y, ROWS, 5);
            for (int i = 0; i < params.size(); i++) {
                float[] got = params.get(i).toArray();
                for (int j = 0; j < got.length; j++) {
                    assertEquals(before[i][j] - 0.5f, got[j], 1e-6f, engine + ": parameter " + i + " moved by lr x the exchanged gradient 1");
                }
            }
        }
    }
}
