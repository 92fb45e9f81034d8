package org.jitgrad.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jitgrad.parity.OpParityCase;
import org.jitgrad.parity.OpParityCases;
import org.jitgrad.parity.OpParityCases.Skip;
import org.jitgrad.parity.OpParityFile;
import org.jitgrad.parity.ParityInputs;
import org.jitgrad.parity.ParityTolerance;
import org.jitgrad.parity.ReferenceTensor;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each op's forward values and gradients on the tape against PyTorch's on edge cases (broadcasts, negative axes,
 * strides and padding, ties, large magnitudes, values near 0), from {@code benchmarks/pytorch/op_reference.py}.
 * Finite differences of an op's own forward cannot catch a forward that is consistently wrong; this can.
 */
class OpParityTest {
    static List<OpParityCase> cases() {
        return OpParityFile.load();
    }

    @Test
    void theFileAndTheOpTableNameTheSameOps() {
        Set<String> inFile = new TreeSet<>();
        for (OpParityCase c : cases()) inFile.add(c.op());
        assertEquals(new TreeSet<>(OpParityCases.OPS.keySet()), inFile);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tapeMatchesPyTorch(OpParityCase c) {
        Skip skip = OpParityCases.skip(c);
        ParityTolerance tolerance = ParityTolerance.of(c);
        List<Tensor> inputs = ParityInputs.of(c, true);
        Tensor out = OpParityCases.apply(c, inputs);
        if (skip != Skip.FORWARD) tolerance.assertMatches(c + " forward", c.out(), out.shape().dims(), out.toArray());
        if (!c.differentiable() || skip == Skip.GRADIENTS) return;

        out.mul(c.r().toTensor()).sum().backward();
        for (Map.Entry<String, ReferenceTensor> g : c.grads().entrySet()) {
            Tensor grad = ParityInputs.named(c, inputs, g.getKey()).grad();
            assertNotNull(grad, c + ": no gradient for " + g.getKey());
            tolerance.assertMatches(c + " gradient of " + g.getKey(), g.getValue(), grad.shape().dims(), grad.toArray());
        }
    }
}
