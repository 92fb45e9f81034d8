package org.jitgrad.compile.symbolic;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.compile.emit.KernelCall;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.KernelStep;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.compile.plan.Buffer;
import org.jitgrad.compile.plan.BufferPlan;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/**
 * The run-time side of a program compiled once for every value of a dynamic size {@code s}: which
 * input dimensions are {@code s} and what the others must be (the guard), the program at each size
 * seen ({@link SizeBinding}, built and checked on first sight, then reused), and the arena's slot sizes
 * for a capacity, which grows (by doubling) when a larger {@code s} arrives, never per call.
 *
 * <p>Each instance of the generated class gets an {@link Instance}: its own size table and kernel
 * calls, rebound in place when the size differs from its previous run.
 */
public final class DynamicShapes {
    private final List<DimRef> dims;
    private final Shape[] reference;
    private final boolean[][] dynamic;
    private final ShapeModel model;
    private final List<Step> steps;
    private final List<IrNode> calls = new ArrayList<>();
    private final List<SizeTerm> terms;
    private final IrNode output;
    private final List<List<IrNode>> tenants = new ArrayList<>();
    private final Object lock = new Object();
    private volatile SizeBinding[] bindings = new SizeBinding[0];
    private int capacity;

    /**
     * @param dims      the input dimensions that are {@code s}
     * @param reference the shapes of a call's inputs: their other dimensions are required of every call
     * @param terms     the program's size table, by slot (see {@link SymbolicExtents#terms()})
     */
    public DynamicShapes(List<DimRef> dims, Shape[] reference, ShapeModel model, BufferPlan plan, List<SizeTerm> terms) {
        this.dims = List.copyOf(dims);
        this.reference = reference.clone();
        this.dynamic = new boolean[reference.length][];
        for (int i = 0; i < reference.length; i++) dynamic[i] = new boolean[reference[i].rank()];
        for (DimRef d : dims) dynamic[d.input()][d.axis()] = true;
        this.model = model;
        this.steps = model.steps();
        this.terms = List.copyOf(terms);
        this.output = model.primary().graph().output();
        for (Step s : steps) if (s instanceof KernelStep k) calls.add(k.node());
        for (Step s : steps) for (IrNode out : s.outputs()) addTenant(plan, out);
        addTenant(plan, output);
    }

    private void addTenant(BufferPlan plan, IrNode n) {
        Buffer b = plan.of(n);
        if (b.kind() != Buffer.Kind.ARENA) return;
        while (tenants.size() <= b.index()) tenants.add(new ArrayList<>());
        if (!tenants.get(b.index()).contains(n)) tenants.get(b.index()).add(n);
    }

    /** The dynamic dimensions. */
    public List<DimRef> dims() { return dims; }

    /** The value of {@code s} in these inputs (their first dynamic dimension). */
    public int sizeOf(Tensor[] inputs) {
        DimRef d = dims.get(0);
        return inputs[d.input()].shape().dim(d.axis());
    }

    /**
     * Whether this program serves these inputs: the dynamic dimensions agree on one {@code s >= 1},
     * every other dimension is the reference's, and the program holds at {@code s}. Allocates nothing
     * once {@code s} has been seen.
     */
    public boolean matches(Tensor[] inputs) {
        if (inputs.length != reference.length) return false;
        int s = -1;
        for (int i = 0; i < inputs.length; i++) {
            Shape shape = inputs[i].shape();
            if (shape.rank() != reference[i].rank()) return false;
            for (int a = 0; a < shape.rank(); a++) {
                int d = shape.dim(a);
                if (dynamic[i][a]) {
                    if (s < 0) s = d;
                    else if (d != s) return false;
                } else if (d != reference[i].dim(a)) {
                    return false;
                }
            }
        }
        return s >= 1 && binding(s).invalid() == null;
    }

    /** Why this program does not serve these inputs (for listings), or null when it does. */
    public String mismatch(Tensor[] inputs) {
        if (inputs.length != reference.length) return inputs.length + " inputs, not " + reference.length;
        int s = -1;
        for (int i = 0; i < inputs.length; i++) {
            Shape shape = inputs[i].shape();
            if (shape.rank() != reference[i].rank()) return "input " + i + " " + shape + " has another rank than " + pattern(i);
            for (int a = 0; a < shape.rank(); a++) {
                int d = shape.dim(a);
                if (dynamic[i][a]) {
                    if (s < 0) s = d;
                    else if (d != s) return "input " + i + " " + shape + ": its dynamic axis " + a + " is not s=" + s;
                } else if (d != reference[i].dim(a)) {
                    return "input " + i + " " + shape + " does not fit " + pattern(i) + " (axis " + a + " is fixed)";
                }
            }
        }
        if (s < 1) return "s=" + s + " (the dynamic size must be at least 1)";
        return binding(s).invalid();
    }

    /** Input {@code i}'s shape with its dynamic axes shown as s. */
    public String pattern(int i) {
        StringBuilder sb = new StringBuilder("[");
        for (int a = 0; a < reference[i].rank(); a++) {
            sb.append(a == 0 ? "" : ", ").append(dynamic[i][a] ? "s" : Integer.toString(reference[i].dim(a)));
        }
        return sb.append(']').toString();
    }

    /** The program at {@code s}, built and checked on first sight. */
    SizeBinding binding(int s) {
        SizeBinding[] known = bindings;
        if (s < known.length && known[s] != null) return known[s];
        synchronized (lock) {
            known = bindings;
            if (s < known.length && known[s] != null) return known[s];
            SizeBinding b = SizeBinding.at(s, model, steps, calls, terms, output);
            if (s >= known.length) known = java.util.Arrays.copyOf(known, Math.max(s + 1, 2 * known.length));
            known[s] = b;  // SizeBinding's fields are final: a reader that sees it sees it whole
            bindings = known;
            return b;
        }
    }

    /** The output's shape at {@code s} (a size this program serves). */
    public Shape outputShape(int s) {
        return binding(s).output;
    }

    /**
     * The capacity (a value of s) to size buffers for so that {@code s} fits: at least double the
     * previous capacity, so that a run of growing sizes reallocates a logarithmic number of times.
     */
    public int capacityFor(int s) {
        synchronized (lock) {
            if (s > capacity) capacity = (int) Math.max(s, Math.min(Integer.MAX_VALUE, 2L * capacity));
            return capacity;
        }
    }

    /**
     * The arena's slot sizes for sizes up to {@code capacity}: each slot holds its largest tenant there
     * (every dimension grows with s, so that covers every smaller s).
     *
     * @throws IllegalArgumentException if a slot would exceed 2^31-1 floats
     */
    public int[] arenaSizes(int capacity) {
        int[] sizes = new int[tenants.size()];
        for (int i = 0; i < sizes.length; i++) {
            long max = 0;
            for (IrNode n : tenants.get(i)) max = Math.max(max, model.shape(n).size(capacity));
            if (max > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a buffer for s=" + capacity + " would hold " + max + " floats, more than an array can");
            }
            sizes[i] = (int) max;
        }
        return sizes;
    }

    /** A new instance's own size table and kernel calls (copies of the generated class's {@code calls}). */
    public Instance newInstance(List<KernelCall> generatedCalls, int capacity) {
        if (generatedCalls.size() != calls.size()) {
            throw new IllegalStateException(generatedCalls.size() + " kernel calls generated for " + calls.size() + " kernel steps");
        }
        KernelCall[] own = new KernelCall[generatedCalls.size()];
        for (int i = 0; i < own.length; i++) own[i] = generatedCalls.get(i).copy();
        return new Instance(own, new int[terms.size()], capacity);
    }

    /** Points an instance at size {@code s} (served by this program), rewriting its table and calls in place. */
    public void bind(Instance instance, int s) {
        if (instance.bound == s) return;
        SizeBinding b = binding(s);
        if (b.invalid() != null) throw new IllegalStateException("the program does not serve " + b.invalid());
        System.arraycopy(b.table, 0, instance.table, 0, b.table.length);
        for (int c = 0; c < instance.calls.length; c++) instance.calls[c].bind(b.params[c], b.inShapes[c], b.outShapes[c]);
        instance.bound = s;
    }

    /** The size table as a listing: {@code t0 = s, t1 = 64·s}. */
    public String describeTable() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < terms.size(); i++) sb.append(i == 0 ? "" : ", ").append('t').append(i).append(" = ").append(terms.get(i));
        return sb.length() == 0 ? "(empty)" : sb.toString();
    }

    /** One generated instance's view of the size: its table, its kernel calls, the size they hold and its buffers' capacity. */
    public static final class Instance {
        private final KernelCall[] calls;
        private final int[] table;
        private final int capacity;
        private int bound = -1;

        private Instance(KernelCall[] calls, int[] table, int capacity) {
            this.calls = calls;
            this.table = table;
            this.capacity = capacity;
        }

        /** The kernel calls to construct the instance with. */
        public KernelCall[] calls() { return calls; }

        /** The size table the instance reads (see {@code GeneratedStep.useSizes}). */
        public int[] table() { return table; }

        /** The largest s the instance's buffers hold. */
        public int capacity() { return capacity; }
    }
}
