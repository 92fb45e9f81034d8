package org.jitgrad.optim;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad optimizer settings are rejected with the optimizer, the setting and the value named. */
class OptimizerValidationTest {
    private final List<Tensor> params = List.of(Tensor.ones(2).requiresGrad());

    @ParameterizedTest
    @ValueSource(floats = {0f, -0.1f, Float.NaN, Float.POSITIVE_INFINITY})
    void learningRate(float lr) {
        assertThrowsNaming(IllegalArgumentException.class, () -> new SGD(params, lr, 0f), "SGD", "lr", String.valueOf(lr));
        assertThrowsNaming(IllegalArgumentException.class, () -> new Adam(params, lr), "Adam", "lr", String.valueOf(lr));
        assertThrowsNaming(IllegalArgumentException.class, () -> new AdamW(params, lr), "AdamW", "lr", String.valueOf(lr));
    }

    @ParameterizedTest
    @ValueSource(floats = {1f, 1.5f, -0.1f, Float.NaN})
    void momentumAndBetasOutsideTheUnitInterval(float m) {
        assertThrowsNaming(IllegalArgumentException.class, () -> new SGD(params, 0.1f, m), "SGD", "momentum", String.valueOf(m));
        assertThrowsNaming(IllegalArgumentException.class, () -> new Adam(params, 0.1f, m, 0.999f, 1e-8f, 0f, false),
                "Adam", "beta1", String.valueOf(m));
        assertThrowsNaming(IllegalArgumentException.class, () -> new Adam(params, 0.1f, 0.9f, m, 1e-8f, 0f, false),
                "Adam", "beta2", String.valueOf(m));
    }

    @Test
    void otherSettings() {
        assertThrowsNaming(IllegalArgumentException.class, () -> new SGD(params, 0.1f, 0f, 0f, true), "SGD", "nesterov", "momentum");
        assertThrowsNaming(IllegalArgumentException.class, () -> new SGD(params, 0.1f, 0.9f, -1f, false), "SGD", "weightDecay", "-1.0");
        assertThrowsNaming(IllegalArgumentException.class, () -> new SGD(params, 0.1f, 0.9f, Float.NaN, false), "weightDecay", "NaN");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Adam(params, 0.1f, 0.9f, 0.999f, 0f, 0f, false), "Adam", "eps", "0.0");
        assertThrowsNaming(IllegalArgumentException.class, () -> new AdamW(params, 0.1f, -0.01f), "AdamW", "weightDecay", "-0.01");
    }

    @Test
    void parametersMustBeParameters() {
        List<Tensor> mixed = List.of(Tensor.ones(2).requiresGrad(), Tensor.zeros(3, 4));
        assertThrowsNaming(IllegalArgumentException.class, () -> new SGD(mixed, 0.1f, 0f), "SGD", "tensor 1", "[3, 4]", "requiresGrad()");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Adam(mixed, 0.1f), "Adam", "tensor 1", "not a parameter");
        assertThrowsNaming(IllegalArgumentException.class, () -> new AdamW(List.of(), 0.1f), "AdamW", "no parameters");
    }

    /** On the tape a parameter listed twice would be updated twice per step, in a compiled step once. */
    @Test
    void aParameterListedTwiceIsRejected() {
        Tensor shared = Tensor.ones(2, 3).requiresGrad();
        List<Tensor> twice = List.of(shared, Tensor.ones(4).requiresGrad(), shared);
        assertThrowsNaming(IllegalArgumentException.class, () -> new SGD(twice, 0.1f, 0.9f), "SGD", "tensor 2", "[2, 3]",
                "tensor 0", "once");
        assertThrowsNaming(IllegalArgumentException.class, () -> new Adam(twice, 0.1f), "Adam", "tensor 2", "tensor 0");
        assertThrowsNaming(IllegalArgumentException.class, () -> AdamW.withDecayOnMatrices(twice, 0.1f, 0.9f, 0.99f, 1e-8f,
                0.1f), "AdamW", "tensor 2", "tensor 0");
    }

    @Test
    void setLearningRateRejectsBadValuesAndKeepsTheOldOne() {
        SGD sgd = new SGD(params, 0.1f, 0f);
        assertThrowsNaming(IllegalArgumentException.class, () -> sgd.setLearningRate(0f), "SGD", "lr", "0.0");
        assertEquals(0.1f, sgd.learningRate());
        Adam adam = new Adam(params, 0.1f);
        assertThrowsNaming(IllegalArgumentException.class, () -> adam.setLearningRate(Float.NaN), "Adam", "lr", "NaN");
        assertEquals(0.1f, adam.learningRate());
        AdamW adamW = new AdamW(params, 0.1f);
        assertThrowsNaming(IllegalArgumentException.class, () -> adamW.setLearningRate(-1f), "AdamW", "lr", "-1.0");
        assertEquals(0.1f, adamW.learningRate());
        assertThrowsNaming(IllegalArgumentException.class, () -> adam.setStepCount(-1), "Adam", "-1");
        assertThrowsNaming(IllegalArgumentException.class, () -> adam.setStepCount(Long.MAX_VALUE), "Adam",
                Long.toString(Long.MAX_VALUE));
        assertEquals(0, adam.stepCount());
    }
}
