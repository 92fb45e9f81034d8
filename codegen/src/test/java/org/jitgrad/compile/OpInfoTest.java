package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jitgrad.ops.Op;
import org.jitgrad.ops.OpParams;
import org.jitgrad.ops.Ops;
import org.jitgrad.tensor.OpObserver;
import org.jitgrad.tensor.Tensor;
import org.jitgrad.testing.GradCheck;
import org.jitgrad.testing.Throwing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Drives every entry of {@link OpInfoTable}: coverage, gradient checks, both engines, and bad inputs. */
class OpInfoTest {
    @Test
    void everyOpHasAnEntry() {
        List<String> missing = new ArrayList<>();
        for (Op op : Ops.all()) if (!OpInfoTable.ENTRIES.containsKey(op)) missing.add(op.name());
        assertTrue(missing.isEmpty(), "ops without an op-info entry: " + missing);
        for (OpInfo info : OpInfoTable.ENTRIES.values()) assertFalse(info.samples.isEmpty(), info + " has no sample");
    }

    static Stream<Arguments> samples() {
        List<Arguments> args = new ArrayList<>();
        for (OpInfo info : OpInfoTable.ENTRIES.values()) for (OpInfo.Sample s : info.samples) args.add(Arguments.of(info, s));
        return args.stream();
    }

    static Stream<Arguments> differentiable() {
        List<Arguments> args = new ArrayList<>();
        for (OpInfo info : OpInfoTable.ENTRIES.values()) {
            if (info.gradCheck) for (OpInfo.Sample s : info.samples) args.add(Arguments.of(s, info.parityTolerance, info.stateful));
        }
        for (OpInfo.Sample s : OpInfoTable.COMPOSITES) args.add(Arguments.of(s, Engines.REL, false));
        return args.stream();
    }

    static Stream<Arguments> badInputs() {
        List<Arguments> args = new ArrayList<>();
        for (OpInfo info : OpInfoTable.ENTRIES.values()) for (OpInfo.BadInput b : info.badInputs) args.add(Arguments.of(b));
        return args.stream();
    }

    /** The sample really applies its op, forward or (for backward-only ops) in its backward pass. */
    @ParameterizedTest(name = "{1}")
    @MethodSource("samples")
    void sampleExercisesItsOp(OpInfo info, OpInfo.Sample sample) {
        Set<Op> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        OpObserver recorder = new OpObserver() {
            @Override public void onOp(Op op, OpParams params, Tensor[] inputs, Tensor output) { seen.add(op); }
            @Override public void onRead(Tensor tensor, String what) {}
        };
        List<Tensor> params = parameters(sample);
        try (OpObserver.Scope ignored = OpObserver.install(recorder)) {
            Tensor y = sample.apply().apply(params);
            if (info.backwardOnly) y.backward(Tensor.ones(y.shape().dims()));
        }
        assertTrue(seen.contains(info.op), sample + " never applied " + info.op + "; applied " + seen);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differentiable")
    void gradientMatchesFiniteDifferences(OpInfo.Sample sample, double tolerance, boolean stateful) {
        GradCheck.check(sample.label(), t -> sample.apply().apply(List.of(t)), sample.inputs().toArray(Tensor[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("differentiable")
    void compiledMatchesTape(OpInfo.Sample sample, double tolerance, boolean stateful) {
        if (stateful) return;
        List<Tensor> params = parameters(sample);
        Tensor weights = weightsFor(sample, params);
        TensorFn fn = in -> sample.apply().apply(params).mul(weights).sum();
        Engines.assertSameLossAndGradients(fn, params, tolerance);
    }

    /** Ops without a gradient: the compiled forward equals the tape's, and no gradient flows. */
    @ParameterizedTest(name = "{1}")
    @MethodSource("samples")
    void compiledForwardMatchesTape(OpInfo info, OpInfo.Sample sample) {
        if (info.gradCheck || info.backwardOnly) return;
        List<Tensor> params = parameters(sample);
        Tensor tape = sample.apply().apply(params);
        assertFalse(tape.tracksGrad(), sample + ": a comparison must not carry a gradient");
        Tensor compiled = Compiled.trace(in -> sample.apply().apply(params)).forward();
        assertEquals(tape.shape(), compiled.shape());
        Engines.assertClose(sample.label(), tape.toArray(), compiled.toArray(), 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsRejectedNamingTheCulprit(OpInfo.BadInput bad) {
        Throwing.assertThrowsNaming(bad.type(), bad.call(), bad.culprits());
    }

    private static List<Tensor> parameters(OpInfo.Sample sample) {
        List<Tensor> params = new ArrayList<>();
        for (Tensor t : sample.inputs()) params.add(Tensor.of(t.toArray(), t.shape().dims()).requiresGrad());
        return params;
    }

    /** A fixed random weighting of the output, so every output element's gradient is distinct. */
    private static Tensor weightsFor(OpInfo.Sample sample, List<Tensor> params) {
        Tensor y;
        try (org.jitgrad.tensor.NoGrad ignored = org.jitgrad.tensor.NoGrad.enter()) {
            y = sample.apply().apply(params);
        }
        return Tensor.randn(sample.label().hashCode(), y.shape().dims());
    }

    static {
        if (OpInfoTable.ENTRIES.isEmpty()) fail("empty op-info table");
    }
}
