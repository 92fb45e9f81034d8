package org.jitgrad.compile;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.compile.symbolic.DimRef;
import org.jitgrad.compile.symbolic.DynamicShapes;
import org.jitgrad.compile.symbolic.NotSymbolicException;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/**
 * Which input dimensions of a {@link Compiled} are dynamic, and the decision, on each cache miss,
 * between a program for every size of them and a program for one shape.
 *
 * <ul>
 *   <li>automatic (the default): the first call compiles its shape; a later call whose inputs differ
 *       from that shape only in axis 0 (the same new size in every input that changed) makes axis 0 of
 *       those inputs dynamic and compiles the program for every size;</li>
 *   <li>marked ({@link Compiled#withDynamicBatch}, {@link Compiled#withDynamicDim}): the first call
 *       compiles the program for every size of the marked dimensions;</li>
 *   <li>static ({@link Compiled#withStaticShapes}): one program per shape.</li>
 * </ul>
 *
 * A function that cannot be compiled for every size is compiled per shape from then on, and
 * {@link Compiled#explain()} says why. Immutable; each {@link Compiled} keeps its own {@link Policy}.
 */
final class DynamicDims {
    private enum Mode { AUTOMATIC, STATIC, MARKED }

    static final DynamicDims AUTOMATIC = new DynamicDims(Mode.AUTOMATIC, false, List.of());

    private final Mode mode;
    /** Axis 0 of every input is marked. */
    private final boolean batch;
    private final List<DimRef> marked;

    private DynamicDims(Mode mode, boolean batch, List<DimRef> marked) {
        this.mode = mode;
        this.batch = batch;
        this.marked = List.copyOf(marked);
    }

    DynamicDims staticShapes() {
        return new DynamicDims(Mode.STATIC, false, List.of());
    }

    DynamicDims batch() {
        return new DynamicDims(Mode.MARKED, true, mode == Mode.MARKED ? marked : List.of());
    }

    DynamicDims dim(int input, int axis) {
        if (input < 0) throw new IllegalArgumentException("withDynamicDim: input must be >= 0, got " + input);
        List<DimRef> m = new ArrayList<>(mode == Mode.MARKED ? marked : List.of());
        DimRef d = new DimRef(input, axis);
        if (!m.contains(d)) m.add(d);
        return new DynamicDims(Mode.MARKED, mode == Mode.MARKED && batch, m);
    }

    /** The decisions of one {@link Compiled}: the last shape it compiled alone and why a dynamic program was refused, per mode. */
    Policy policy() {
        return new Policy();
    }

    /**
     * The marked dimensions of these inputs, normalized (negative axes count from the end).
     *
     * @throws IllegalArgumentException naming the input and axis if a marked input or axis does not
     *                                  exist, or the marked dimensions differ in size
     */
    private List<DimRef> resolve(Tensor[] inputs) {
        List<DimRef> dims = new ArrayList<>();
        if (batch) {
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i].rank() == 0) {
                    throw new IllegalArgumentException("withDynamicBatch: input " + i + " is a scalar and has no batch axis;"
                            + " mark the batch axes one by one with withDynamicDim(input, axis)");
                }
                dims.add(new DimRef(i, 0));
            }
        }
        for (DimRef d : marked) {
            if (d.input() >= inputs.length) {
                throw new IllegalArgumentException("withDynamicDim: input " + d.input() + " is marked dynamic but the call passes "
                        + inputs.length + " inputs");
            }
            int rank = inputs[d.input()].rank();
            if (d.axis() >= rank || d.axis() < -rank) {
                throw new IllegalArgumentException("withDynamicDim: axis " + d.axis() + " of input " + d.input() + " is marked dynamic"
                        + " but that input has shape " + inputs[d.input()].shape());
            }
            DimRef n = new DimRef(d.input(), d.axis() < 0 ? d.axis() + rank : d.axis());
            if (!dims.contains(n)) dims.add(n);
        }
        DimRef first = dims.get(0);
        int s = inputs[first.input()].shape().dim(first.axis());
        for (DimRef d : dims) {
            int v = inputs[d.input()].shape().dim(d.axis());
            if (v != s) {
                throw new IllegalArgumentException("the dynamic dimensions are one size, but " + first + " is " + s + " and " + d
                        + " is " + v + " (inputs " + shapes(inputs) + ")" + (batch ? "; withDynamicBatch marks axis 0 of every"
                        + " input: if some input has no batch axis, mark the others with withDynamicDim(input, axis)" : ""));
            }
        }
        return dims;
    }

    /**
     * The inputs that changed between {@code before} and {@code now} only in axis 0, to one common size
     * on each side, or null when the shapes differ otherwise (or not at all).
     */
    private static List<DimRef> batchChange(Shape[] before, Tensor[] now) {
        if (before == null || before.length != now.length) return null;
        List<DimRef> dims = new ArrayList<>();
        int oldSize = -1, newSize = -1;
        for (int i = 0; i < now.length; i++) {
            Shape a = before[i], b = now[i].shape();
            if (a.rank() != b.rank()) return null;
            for (int axis = 1; axis < a.rank(); axis++) if (a.dim(axis) != b.dim(axis)) return null;
            if (a.rank() == 0 || a.dim(0) == b.dim(0)) continue;
            if (oldSize < 0) {
                oldSize = a.dim(0);
                newSize = b.dim(0);
            } else if (a.dim(0) != oldSize || b.dim(0) != newSize) {
                return null;
            }
            dims.add(new DimRef(i, 0));
        }
        return dims.isEmpty() || newSize < 1 ? null : dims;
    }

    private static String shapes(Tensor[] inputs) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : inputs) sb.append(sb.isEmpty() ? "" : ", ").append(t.shape());
        return sb.toString();
    }

    /** One {@link Compiled}'s decisions; used under its compile lock. */
    final class Policy {
        /** Per mode (0 inference, 1 training): the shapes of the last program compiled for one shape. */
        private final Shape[][] lastFixed = new Shape[2][];
        /** Per mode: why no program for every size could be compiled, or null. */
        private final String[] refused = new String[2];

        /**
         * A program for these inputs: for every size of the dynamic dimensions when this call calls for
         * one (and the function allows it), otherwise for their shape alone.
         *
         * @param cache the mode's cached programs, none of which serves these inputs
         */
        Specialization compile(TensorFn fn, Tensor[] inputs, Specialization[] cache, boolean train, Optimizer optimizer,
                               GradClip clip, int concurrency) {
            int m = train ? 1 : 0;
            List<DimRef> dims = null;
            String note = null;
            if (mode == Mode.MARKED) dims = resolve(inputs);
            DynamicShapes cached = null;
            for (Specialization s : cache) if (s.dynamic() != null) cached = s.dynamic();
            if (mode == Mode.STATIC) {
                dims = null;
            } else if (refused[m] != null) {
                dims = null;
                note = "one program per shape: " + refused[m];
            } else if (cached != null) {
                note = "the program for every s does not serve this call (" + cached.mismatch(inputs) + "): compiled for its shape";
                dims = null;
            } else if (mode == Mode.AUTOMATIC) {
                dims = batchChange(lastFixed[m], inputs);
            } else if (inputs[dims.get(0).input()].shape().dim(dims.get(0).axis()) < 1) {
                note = "the dynamic size is 0 in this call: compiled for its shape";
                dims = null;
            }
            if (dims != null) {
                try {
                    return SymbolicCompiler.compile(fn, inputs, dims, train, optimizer, clip, concurrency);
                } catch (NotSymbolicException e) {
                    refused[m] = "no program for every size of " + dims + " (" + e.getMessage() + ")";
                    note = "one program per shape: " + refused[m];
                }
            }
            Specialization s = Compiler.compile(fn, inputs, train, optimizer, clip, concurrency);
            if (note != null) s.addNote(note);
            Shape[] shapes = new Shape[inputs.length];
            for (int i = 0; i < shapes.length; i++) shapes[i] = inputs[i].shape();
            lastFixed[m] = shapes;
            return s;
        }
    }
}
