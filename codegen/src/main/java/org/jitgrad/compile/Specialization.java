package org.jitgrad.compile;

import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.jitgrad.compile.emit.ClassEmitter;
import org.jitgrad.compile.emit.GeneratedStep;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.plan.Buffer;
import org.jitgrad.compile.plan.BufferPlan;
import org.jitgrad.compile.symbolic.DynamicShapes;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.snapshot.ParameterSnapshot;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/**
 * One compiled program for one input-shape signature. The generated class is shared; each
 * {@link Slot} is one instance of it with its own arena buffers, so several callers can run the same
 * program at once, each in its own slot. Parameters, constants and gradient arrays are shared by all
 * slots. A training program has one slot: its gradients and updates cannot be shared.
 *
 * <p>A program with a dynamic dimension ({@link DynamicShapes}) serves every size of it: each slot's
 * buffers hold sizes up to a capacity and are rebuilt, larger, when a bigger size arrives; its size
 * table and kernel calls are rebound when the size differs from the slot's previous run.
 */
final class Specialization {
    private final Shape[] inputShapes;
    private final ClassEmitter.Emitted emitted;
    private final BufferPlan plan;
    private final List<Tensor> parameters;
    private final Tensor[] gradients;
    private final Optimizer optimizer;
    private final GradClip clip;
    private final IrNode output;
    private final Buffer outputBuffer;
    private final Shape outputShape;
    private final String explanation;
    private volatile String note = "";
    private final DynamicShapes dynamic;
    private final Slot[] slots;
    private final AtomicIntegerArray busy;
    private final AssumedConstants assumed;
    volatile long lastUsed;

    private final float[][] liveParameters;
    private volatile SnapshotBinding binding;

    /** One instance of the generated class with its own buffers. */
    private static final class Slot {
        final GeneratedStep program;
        final float[][] inputs;
        final float[][] parameters;
        final float[] output;
        final DynamicShapes.Instance sizes;

        Slot(GeneratedStep program, int inputCount, int parameterCount, float[] output, DynamicShapes.Instance sizes) {
            this.program = program;
            this.inputs = new float[inputCount][];
            this.parameters = new float[parameterCount][];
            this.output = output;
            this.sizes = sizes;
        }
    }

    /** Which snapshot entry feeds each parameter slot, for one publisher's parameter list. */
    private record SnapshotBinding(List<Tensor> sources, int[] entryOfSlot) {}

    Specialization(Shape[] inputShapes, ClassEmitter.Emitted emitted, BufferPlan plan, List<Tensor> parameters,
                   Tensor[] gradients, Optimizer optimizer, GradClip clip, IrNode output, String explanation,
                   int slotCount, AssumedConstants assumed) {
        this(inputShapes, emitted, plan, parameters, gradients, optimizer, clip, output, explanation, slotCount, assumed,
                null);
    }

    /** With {@code dynamic} not null, a program for every size of a dynamic dimension. */
    Specialization(Shape[] inputShapes, ClassEmitter.Emitted emitted, BufferPlan plan, List<Tensor> parameters,
                   Tensor[] gradients, Optimizer optimizer, GradClip clip, IrNode output, String explanation,
                   int slotCount, AssumedConstants assumed, DynamicShapes dynamic) {
        this.dynamic = dynamic;
        this.assumed = assumed;
        this.inputShapes = inputShapes;
        this.emitted = emitted;
        this.plan = plan;
        this.parameters = parameters;
        this.gradients = gradients;
        this.optimizer = optimizer;
        this.clip = clip;
        this.output = output;
        this.outputBuffer = plan.of(output);
        this.outputShape = output.shape();
        this.explanation = explanation;
        this.slots = new Slot[slotCount];
        this.liveParameters = new float[parameters.size()][];
        for (int i = 0; i < liveParameters.length; i++) liveParameters[i] = parameters.get(i).storage();
        this.busy = new AtomicIntegerArray(slotCount);
        slots[0] = newSlot();  // fail at compile time, not at the first call
    }

    private Slot newSlot() {
        int capacity = dynamic == null ? 0 : dynamic.capacityFor(0);
        int[] arenaSizes = dynamic == null ? plan.arenaSizes() : dynamic.arenaSizes(capacity);
        float[][] arena = new float[arenaSizes.length][];
        for (int i = 0; i < arena.length; i++) arena[i] = new float[arenaSizes[i]];
        List<Buffer> fields = emitted.fields();
        float[][] buffers = new float[fields.size()][];
        for (int f = 0; f < buffers.length; f++) buffers[f] = array(fields.get(f), arena);
        if (dynamic == null) {
            return new Slot(emitted.instantiate(buffers, optimizer, clip), inputShapes.length, parameters.size(),
                    array(outputBuffer, arena), null);
        }
        DynamicShapes.Instance sizes = dynamic.newInstance(emitted.calls(), capacity);
        GeneratedStep program = emitted.instantiate(buffers, sizes.calls(), optimizer, clip);
        program.useSizes(sizes.table());
        return new Slot(program, inputShapes.length, parameters.size(), array(outputBuffer, arena), sizes);
    }

    /**
     * Slot {@code index}, created if missing and, with a dynamic dimension, bound to the inputs' size
     * (its buffers first rebuilt larger if the size exceeds them). The caller holds the slot.
     */
    private Slot ready(int index, Tensor[] inputs) {
        Slot slot = slots[index];
        if (slot == null) slots[index] = slot = newSlot();
        if (dynamic == null) return slot;
        int size = dynamic.sizeOf(inputs);
        if (size > slot.sizes.capacity()) {
            dynamic.capacityFor(size);
            slots[index] = slot = newSlot();
        }
        dynamic.bind(slot.sizes, size);
        return slot;
    }

    private float[] array(Buffer b, float[][] arena) {
        return switch (b.kind()) {
            case INPUT -> null;
            case PARAM -> parameters.get(b.index()).storage();
            case GRAD -> gradients[b.index()].storage();
            case CONST -> plan.constants().get(b.index());
            case ARENA -> arena[b.index()];
        };
    }

    /** Whether this program serves these inputs, and the constants it was specialized on still hold their values. */
    boolean matches(Tensor[] inputs) {
        if (dynamic != null) return dynamic.matches(inputs) && assumed.hold();
        for (int i = 0; i < inputs.length; i++) if (!inputs[i].shape().equals(inputShapes[i])) return false;
        return assumed.hold();
    }

    /** Whether the constants this program was specialized on still hold their compile-time values. */
    boolean assumptionsHold() { return assumed.hold(); }

    /**
     * Runs the training program; returns the loss and publishes the gradients to the parameters.
     *
     * @throws IllegalStateException if another thread is running it
     */
    float run(Tensor[] inputs) {
        if (!busy.compareAndSet(0, 0, 1)) {
            throw new IllegalStateException("Compiled.run: this step is already running on another thread;"
                    + " a training step serves one caller at a time (its gradients and updates are shared state)");
        }
        try {
            float loss = execute(ready(0, inputs), inputs);
            publishGradients();
            return loss;
        } finally {
            busy.set(0, 0);
        }
    }

    /** Points each parameter's {@code grad()} at this program's gradient tensor. */
    void publishGradients() {
        for (int i = 0; i < gradients.length; i++) {
            Tensor p = parameters.get(i);
            if (p.grad() != gradients[i]) p.setGrad(gradients[i]);
        }
    }

    /**
     * Runs the training program without publishing its gradients; the caller guarantees that no
     * other thread runs this specialization meanwhile.
     */
    float compute(Tensor[] inputs) {
        return execute(ready(0, inputs), inputs);
    }

    /**
     * Another instance of this training program (same generated class, same parameters) with its own
     * buffers and its own zeroed gradient tensors, for one shard of a data-parallel step. The program
     * must have been compiled without a fused optimizer or clipping.
     */
    Specialization replica() {
        if (optimizer != null || clip != null) {
            throw new IllegalStateException("replica: only a program without a fused update can be replicated");
        }
        Tensor[] own = new Tensor[gradients.length];
        for (int i = 0; i < own.length; i++) own[i] = Tensor.zeros(gradients[i].shape().dims());
        return new Specialization(inputShapes, emitted, plan, parameters, own, null, null, output, explanation, 1, assumed);
    }

    /** The traced parameters, in slot order. */
    List<Tensor> parameters() { return parameters; }

    /** The gradient tensors this program writes, in parameter-slot order (null for a forward program). */
    Tensor[] gradients() { return gradients; }

    /**
     * Runs the forward program in a free slot (waiting for one if all are busy) and copies the output.
     * With a snapshot, the parameters' values come from it instead of the live tensors.
     */
    Tensor forward(Tensor[] inputs, ParameterSnapshot snapshot) {
        int[] entryOfSlot = snapshot == null ? null : bindingFor(snapshot);
        int s = acquire();
        try {
            Slot slot = ready(s, inputs);
            if (snapshot == null) {
                slot.program.bindParameters(liveParameters);
            } else {
                for (int i = 0; i < entryOfSlot.length; i++) slot.parameters[i] = snapshot.values(entryOfSlot[i]);
                slot.program.bindParameters(slot.parameters);
            }
            execute(slot, inputs);
            Shape shape = dynamic == null ? outputShape : dynamic.outputShape(dynamic.sizeOf(inputs));
            return Tensor.wrap(java.util.Arrays.copyOf(slot.output, shape.size()), shape.dims());
        } finally {
            busy.set(s, 0);
        }
    }

    private int[] bindingFor(ParameterSnapshot snapshot) {
        SnapshotBinding b = binding;
        if (b != null && b.sources() == snapshot.sources()) return b.entryOfSlot();
        java.util.Map<Tensor, Integer> entry = new java.util.IdentityHashMap<>();
        for (int i = 0; i < snapshot.size(); i++) entry.put(snapshot.sources().get(i), i);
        int[] map = new int[parameters.size()];
        for (int i = 0; i < map.length; i++) {
            Integer e = entry.get(parameters.get(i));
            if (e == null) {
                throw new IllegalArgumentException("forward(snapshot): parameter " + i + " " + parameters.get(i).shape()
                        + " of the traced function is not in the snapshot (publish the model's parameters())");
            }
            map[i] = e;
        }
        binding = new SnapshotBinding(snapshot.sources(), map);
        return map;
    }

    private int acquire() {
        for (int spins = 0; ; spins++) {
            for (int s = 0; s < slots.length; s++) if (busy.compareAndSet(s, 0, 1)) return s;
            if (spins < 64) Thread.onSpinWait();
            else LockSupport.parkNanos(10_000);
        }
    }

    private static float execute(Slot slot, Tensor[] inputs) {
        try {
            for (int i = 0; i < inputs.length; i++) slot.inputs[i] = inputs[i].storage();
            return slot.program.run(slot.inputs);
        } finally {
            java.util.Arrays.fill(slot.inputs, null);
        }
    }

    String explanation() { return note + explanation; }

    /** Adds a line before the listing (why this shape got a program of its own, say). */
    void addNote(String line) { note = note + "== " + line + " ==\n"; }

    /** The dynamic dimension's run-time side, or null for a program of one shape. */
    DynamicShapes dynamic() { return dynamic; }

    /** The generated program of the first slot, for tests that inspect the generated class. */
    GeneratedStep program() { return slots[0].program; }
}
