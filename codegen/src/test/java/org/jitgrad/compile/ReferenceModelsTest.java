package org.jitgrad.compile;

import org.jitgrad.nn.Sequential;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The four reference models: compiled loss and every gradient equal the tape's within 1e-5 relative. */
class ReferenceModelsTest {
    @ParameterizedTest
    @EnumSource(ReferenceModels.class)
    void compiledMatchesTape(ReferenceModels w) {
        Sequential model = w.model(11);
        Engines.assertSameLossAndGradients(w.loss(model), model.parameters(), Engines.REL, 30, w.input(12), w.target(13));
    }
}
