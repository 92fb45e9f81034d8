package org.jitgrad.nn;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GptConfigTest {
    static long counted(Gpt gpt) {
        long n = 0;
        for (Tensor p : gpt.parameters()) n += p.size();
        return n;
    }

    @Test
    void parameterCountIsTheModels() {
        for (boolean bias : new boolean[] {false, true}) {
            GptConfig c = new GptConfig(11, 7, 3, 2, 6, 0f, bias);
            assertEquals(counted(new Gpt(c, 1)), c.parameterCount(), "bias " + bias);
        }
        // nanoGPT's CPU run on tinyshakespeare: 0.80M with the position embedding.
        assertEquals(804_096, GptConfig.shakespeareCpu(65).parameterCount());
        assertEquals(Long.MAX_VALUE, new GptConfig(Integer.MAX_VALUE, 1, Integer.MAX_VALUE, 1, Integer.MAX_VALUE, 0f, true)
                .parameterCount());
    }

    @Test
    void lossChecksTheTargetsBeforeRunningTheModel() {
        Gpt gpt = new Gpt(new GptConfig(11, 7, 1, 2, 6, 0f, false), 1);
        Tensor badIds = Tensor.of(new float[] {0, 99, 2}, 1, 3);  // 99 is no token: the forward pass would refuse it
        assertThrowsNaming(ShapeException.class, () -> gpt.loss(badIds, Tensor.zeros(1, 2)), "targets [1, 2]",
                "ids [1, 3]");
    }

    @Test
    void badConfigurationsAreNamed() {
        assertThrowsNaming(IllegalArgumentException.class, () -> new GptConfig(65, 64, 4, 3, 128, 0f, false), "n_embd 128",
                "n_head 3");
        assertThrowsNaming(IllegalArgumentException.class, () -> new GptConfig(65, 64, 4, 4, 128, 1f, false), "dropout");
    }
}
