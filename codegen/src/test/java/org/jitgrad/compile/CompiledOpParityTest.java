package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.jitgrad.parity.OpParityCase;
import org.jitgrad.parity.OpParityCases;
import org.jitgrad.parity.OpParityCases.Skip;
import org.jitgrad.parity.OpParityFile;
import org.jitgrad.parity.ParityInputs;
import org.jitgrad.parity.ParityTolerance;
import org.jitgrad.parity.ReferenceTensor;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The op parity cases of the runtime's {@code OpParityTest} in the compiled engine: each op traced alone, its forward
 * with the case's inputs as data, and the gradient of {@code sum(out * r)} with the float inputs as parameters,
 * against PyTorch's values within the same tolerances.
 */
class CompiledOpParityTest {
    static List<OpParityCase> cases() {
        return OpParityFile.load();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compiledForwardMatchesPyTorch(OpParityCase c) {
        assumeTrue(OpParityCases.skip(c) != Skip.FORWARD, "a forward the README documents as differing from PyTorch's");
        Tensor out = Compiled.trace(in -> OpParityCases.apply(c, List.of(in)))
                .forward(ParityInputs.of(c, false).toArray(Tensor[]::new));
        ParityTolerance.of(c).assertMatches(c + " compiled forward", c.out(), out.shape().dims(), out.toArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differentiableCases")
    void compiledGradientsMatchPyTorch(OpParityCase c) {
        List<Tensor> inputs = ParityInputs.of(c, true);
        Tensor r = c.r().toTensor();
        Compiled.trace(in -> OpParityCases.apply(c, inputs).mul(r).sum()).run();
        for (Map.Entry<String, ReferenceTensor> g : c.grads().entrySet()) {
            Tensor grad = ParityInputs.named(c, inputs, g.getKey()).grad();
            assertNotNull(grad, c + ": no compiled gradient for " + g.getKey());
            ParityTolerance.of(c).assertMatches(c + " compiled gradient of " + g.getKey(), g.getValue(),
                    grad.shape().dims(), grad.toArray());
        }
    }

    static List<OpParityCase> differentiableCases() {
        return cases().stream().filter(c -> c.differentiable() && OpParityCases.skip(c) != Skip.GRADIENTS).toList();
    }
}
