package org.jitgrad.compile;

import java.util.ArrayList;
import java.util.List;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Tensor;

/**
 * A traced function compiled to a generated JVM class per input-shape signature.
 *
 * <pre>{@code
 * Compiled step = Compiled.trace(in -> Losses.mse(model.forward(in[0]), in[1]));
 * float loss = step.run(x, y);   // forward + backward; each parameter's grad() now holds d loss / d p
 * Compiled train = Compiled.trace(fn).withOptimizer(new SGD(model.parameters(), 0.01f, 0.9f));
 * train.run(x, y);               // forward + backward + update, all in generated code
 * Tensor out = Compiled.trace(in -> model.forward(in[0])).forward(x);
 * }</pre>
 *
 * <p>The first call with a new signature (the shapes of the inputs) runs the function once on the
 * real inputs while tracing it, differentiates and compiles the graph; later calls with the same
 * shapes reuse the compiled class. At most {@link #cacheSize()} specializations are kept: past that
 * the least recently used one is evicted (and its class unloaded once unreferenced). All calls must
 * pass the same number of inputs with the same ranks as the first call.
 *
 * <p>What tracing cannot see: Java control flow that depends on tensor values. Reading values
 * ({@code item()}, {@code toArray()}) inside the function throws {@link TraceException}. Control flow
 * on shapes is fine: each signature is traced separately.
 *
 * <p>Threads: a specialization serves one caller at a time; a concurrent call on the same signature
 * is rejected with {@link IllegalStateException}, never computed wrongly. Use one {@code Compiled}
 * per thread.
 */
public final class Compiled {
    /** Default number of specializations kept. */
    public static final int DEFAULT_CACHE_SIZE = 8;

    private final TensorFn fn;
    private final Optimizer optimizer;
    private final int cacheSize;
    private final List<Specialization> training = new ArrayList<>();
    private final List<Specialization> inference = new ArrayList<>();
    private int[] ranks;
    private int compileCount;
    private long cacheHits;
    private long clock;
    private Specialization last;

    private Compiled(TensorFn fn, Optimizer optimizer, int cacheSize) {
        this.fn = fn;
        this.optimizer = optimizer;
        this.cacheSize = cacheSize;
    }

    /** Wraps {@code fn} for compilation; nothing is traced until the first call. */
    public static Compiled trace(TensorFn fn) {
        if (fn == null) throw new NullPointerException("Compiled.trace: fn is null");
        return new Compiled(fn, null, DEFAULT_CACHE_SIZE);
    }

    /**
     * The same function with {@code optimizer}'s update fused into the generated code: each
     * {@link #run} then also updates the parameters the optimizer manages, in place.
     */
    public Compiled withOptimizer(Optimizer optimizer) {
        if (optimizer == null) throw new NullPointerException("withOptimizer: optimizer is null");
        return new Compiled(fn, optimizer, cacheSize);
    }

    /** The same function keeping at most {@code size} specializations (least recently used evicted). */
    public Compiled withCacheSize(int size) {
        if (size < 1) throw new IllegalArgumentException("withCacheSize: size must be >= 1, got " + size);
        return new Compiled(fn, optimizer, size);
    }

    /**
     * Forward and backward (and the fused optimizer's update, if any) on these inputs. Afterwards
     * each parameter's {@link Tensor#grad()} holds d loss / d parameter for this call: gradients are
     * overwritten, not accumulated. Parameter values are read at each call, so updates made outside
     * (a tape optimizer, a checkpoint load) are seen.
     *
     * @return the loss
     * @throws TraceException           if the function cannot be compiled (it reads values, uses an op
     *                                  the compiler cannot lower, or does not return a scalar)
     * @throws IllegalArgumentException if the inputs differ in number or rank from the first call
     */
    public float run(Tensor... inputs) {
        return specialization(inputs, true).run(inputs);
    }

    /**
     * Forward only (no backward is compiled): the function's output for these inputs, as a new tensor.
     */
    public Tensor forward(Tensor... inputs) {
        Specialization s = specialization(inputs, false);
        s.run(inputs);
        return s.outputCopy();
    }

    private synchronized Specialization specialization(Tensor[] inputs, boolean train) {
        checkSignature(inputs);
        List<Specialization> cache = train ? training : inference;
        Specialization hit = null;
        if (last != null && cache.contains(last) && last.matches(inputs)) {
            hit = last;
        } else {
            for (Specialization s : cache) if (s.matches(inputs)) hit = s;
        }
        if (hit != null) {
            cacheHits++;
        } else {
            hit = Compiler.compile(fn, inputs, train, train ? optimizer : null);
            compileCount++;
            if (ranks == null) {
                ranks = new int[inputs.length];
                for (int i = 0; i < inputs.length; i++) ranks[i] = inputs[i].rank();
            }
            if (cache.size() >= cacheSize) {
                Specialization oldest = cache.get(0);
                for (Specialization s : cache) if (s.lastUsed < oldest.lastUsed) oldest = s;
                cache.remove(oldest);
            }
            cache.add(hit);
        }
        hit.lastUsed = ++clock;
        last = hit;
        return hit;
    }

    private void checkSignature(Tensor[] inputs) {
        if (inputs == null) throw new NullPointerException("Compiled: inputs array is null");
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) throw new NullPointerException("Compiled: input " + i + " is null");
        }
        if (ranks == null) {
            if (inputs.length == 0) throw new IllegalArgumentException("Compiled: the function needs at least one input");
            return;
        }
        if (inputs.length != ranks.length) {
            throw new IllegalArgumentException("Compiled: expected " + ranks.length + " inputs (as in the first call), got "
                    + inputs.length);
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].rank() != ranks[i]) {
                throw new IllegalArgumentException("Compiled: input " + i + " has shape " + inputs[i].shape() + " (rank "
                        + inputs[i].rank() + ") but the first call passed rank " + ranks[i]);
            }
        }
    }

    /** The generated program of the most recently used specialization (for tests), or null. */
    synchronized org.jitgrad.compile.emit.GeneratedStep lastProgram() {
        return last == null ? null : last.program();
    }

    /** How many specializations have been traced and compiled. */
    public synchronized int compileCount() { return compileCount; }

    /** How many calls reused a compiled specialization. */
    public synchronized long cacheHits() { return cacheHits; }

    /** The bound on kept specializations. */
    public int cacheSize() { return cacheSize; }

    /**
     * A listing of the most recently used specialization: the IR before and after fusion and the
     * buffer plan; empty before the first call.
     */
    public synchronized String explain() {
        return last == null ? "" : last.explanation();
    }
}
