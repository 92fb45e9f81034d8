package org.jitgrad.compile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.snapshot.ParameterSnapshot;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/**
 * A traced function compiled to a generated JVM class per input-shape signature, or one class for
 * every size of a dynamic dimension (the batch).
 *
 * <pre>{@code
 * Compiled step = Compiled.trace(in -> Losses.mse(model.forward(in[0]), in[1]));
 * float loss = step.run(x, y);   // forward + backward; each parameter's grad() now holds d loss / d p
 * Compiled train = Compiled.trace(fn).withOptimizer(new SGD(model.parameters(), 0.01f, 0.9f));
 * train.run(x, y);               // forward + backward + update, all in generated code
 * Compiled clipped = train.withGradClipping(1f);
 * clipped.run(x, y);             // ... with the gradients clipped to total norm 1 before the update
 * float norm = clipped.lastGradNorm();
 * Tensor out = Compiled.trace(in -> model.forward(in[0])).forward(x);
 * }</pre>
 *
 * <p>The first call with a new signature (the shapes of the inputs) runs the function once on the
 * real inputs while tracing it, differentiates and compiles the graph; later calls with the same
 * shapes reuse the compiled class. At most {@link #cacheSize()} specializations are kept: past that
 * the least recently used one is evicted (and its class unloaded once unreferenced). All calls must
 * pass the same number of inputs with the same ranks as the first call.
 *
 * <p>Dynamic dimensions. A dimension that changes between calls becomes symbolic: when a call's
 * inputs differ from the first call's shapes only in axis 0 (the batch, the same new size in every
 * input that changed), the function is compiled once more into one class that serves every batch size
 * {@code s >= 1}, so {@link #compileCount()} stops at 2 however many batch sizes follow. Mark the
 * dimensions up front with {@link #withDynamicBatch()} or {@link #withDynamicDim(int, int)} to compile
 * that class at the first call; turn it off with {@link #withStaticShapes()}. In that class every size
 * that depends on {@code s} is computed at run time: loop bounds, the GEMM's {@code m, k, n}, reshape
 * targets, broadcast and sum-to shapes, a mean's {@code 1/n}, cross-entropy's {@code 1/batch}. The
 * other dimensions are guarded: a call whose other dimensions differ gets a program for its own shape.
 * Buffers are sized for the largest {@code s} seen (grown by doubling when a larger one arrives, never
 * per call), and a size seen before runs without allocating. Results equal those of the program for
 * that one shape (the same kernels in the same order).
 *
 * <p>How the class for every size is found: the function is traced at three batch sizes (the call's
 * inputs repeated or cut along the dynamic axes) and every shape, op parameter and constant is
 * compared; each size must be {@code a·s + b}, each float parameter constant or {@code 1/(a·s + b)}.
 * At each new size the ops' own shape rules check the result. A function that does not fit (a
 * constant created inside it with a batch-sized shape, a structure that changes with the size, a
 * parameter of another form) is compiled per shape instead, and {@link #explain()} says why. The
 * function must build the same graph for every batch size: Java branches on the batch size cannot be
 * seen (use {@link #withStaticShapes()} for such a function).
 *
 * <p>What tracing cannot see: Java control flow that depends on tensor values. Reading values
 * ({@code item()}, {@code toArray()}) inside the function throws {@link TraceException}. Control flow
 * on shapes is fine when each shape gets its own program: each signature is traced separately.
 *
 * <p>Threads: {@link #forward} may be called from many threads at once; each concurrent caller
 * gets its own buffer set over the shared generated class (a bounded pool, see
 * {@link #withConcurrency}). {@link #run} writes shared gradients (and, fused, updates parameters),
 * so a second thread calling it while it runs, with inputs of any shape, is rejected with
 * {@link IllegalStateException}, never computed wrongly.
 */
public final class Compiled {
    /** Default number of specializations kept. */
    public static final int DEFAULT_CACHE_SIZE = 8;

    private final TensorFn fn;
    private final Optimizer optimizer;
    private final GradClip clip;
    private final int cacheSize;
    private final int concurrency;
    private final int replicas;
    private final DynamicDims dynamicDims;
    private final DynamicDims.Policy dynamicPolicy;
    private final Object compileLock = new Object();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Specialization[] training = new Specialization[0];
    private volatile Specialization[] inference = new Specialization[0];
    private volatile ShardedSpecialization[] sharded = new ShardedSpecialization[0];
    private volatile int[] ranks;
    private volatile Specialization last;
    private final AtomicInteger compileCount = new AtomicInteger();
    private final LongAdder cacheHits = new LongAdder();
    private final AtomicLong clock = new AtomicLong();

    private Compiled(TensorFn fn, Optimizer optimizer, GradClip clip, int cacheSize, int concurrency, int replicas,
                     DynamicDims dynamicDims) {
        this.fn = fn;
        this.optimizer = optimizer;
        this.clip = clip;
        this.cacheSize = cacheSize;
        this.concurrency = concurrency;
        this.replicas = replicas;
        this.dynamicDims = dynamicDims;
        this.dynamicPolicy = dynamicDims.policy();
    }

    /**
     * Wraps {@code fn} for compilation; nothing is traced until the first call. Shapes are dynamic as described
     * above (a second batch size compiles one class for every size), the cache keeps {@value #DEFAULT_CACHE_SIZE}
     * specializations, and {@link #forward} allows as many concurrent callers as there are processors (at least 2).
     *
     * @param fn the function; it captures the model's parameters and receives the data as inputs
     * @return a {@code Compiled} with nothing compiled yet
     * @throws NullPointerException if {@code fn} is null
     */
    public static Compiled trace(TensorFn fn) {
        if (fn == null) throw new NullPointerException("Compiled.trace: fn is null");
        return new Compiled(fn, null, null, DEFAULT_CACHE_SIZE, Math.max(2, Runtime.getRuntime().availableProcessors()), 1,
                DynamicDims.AUTOMATIC);
    }

    /**
     * The same function with {@code optimizer}'s update fused into the generated code: each
     * {@link #run} then also updates the parameters the optimizer manages, in place. The optimizer is
     * called at every step, so changing its learning rate between steps (see
     * {@link org.jitgrad.optim.LrSchedule}) takes effect without recompiling.
     *
     * @param optimizer the optimizer whose {@code beginStep} and {@code update} the generated code calls; parameters
     *                  it manages that the function does not use are not updated by {@link #run}
     * @return a new {@code Compiled} with the same settings and an empty cache; this one is unchanged
     * @throws NullPointerException     if {@code optimizer} is null
     * @throws IllegalArgumentException if the optimizer lists a parameter twice (its own {@code step()} would
     *                                  update it twice, the fused update once)
     */
    public Compiled withOptimizer(Optimizer optimizer) {
        if (optimizer == null) throw new NullPointerException("withOptimizer: optimizer is null");
        List<Tensor> managed = optimizer.parameters();
        Map<Tensor, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < managed.size(); i++) {
            Integer first = seen.putIfAbsent(managed.get(i), i);
            if (first != null) {
                throw new IllegalArgumentException("withOptimizer: " + optimizer.getClass().getSimpleName() + " lists parameter "
                        + i + " " + managed.get(i).shape() + " again (it is parameter " + first + "); list each parameter once");
            }
        }
        return new Compiled(fn, optimizer, freshClip(), cacheSize, concurrency, replicas, dynamicDims);
    }

    /**
     * The same function with gradient clipping by total L2 norm fused into the generated code, with
     * PyTorch's {@code clip_grad_norm_} semantics (see {@link GradClip}): each {@link #run} computes
     * the norm of all the gradients together and, if it exceeds {@code maxNorm}, scales them down
     * before the fused optimizer's update. With an optimizer, the gradients clipped are those of the
     * traced parameters it manages, as the tape's
     * {@code GradClip.clipGradNorm(optimizer.parameters(), maxNorm); optimizer.step()}; without one,
     * every traced parameter's. {@link #lastGradNorm()} gives the norm before clipping.
     *
     * @param maxNorm positive; {@code Float.POSITIVE_INFINITY} only measures the norm
     * @return a new {@code Compiled} with the same settings and an empty cache; this one is unchanged
     * @throws IllegalArgumentException if {@code maxNorm} is not positive or is NaN
     */
    public Compiled withGradClipping(float maxNorm) {
        if (!(maxNorm > 0f)) {
            throw new IllegalArgumentException("withGradClipping: maxNorm must be positive (Float.POSITIVE_INFINITY only "
                    + "measures the norm), got " + maxNorm);
        }
        return new Compiled(fn, optimizer, new GradClip(maxNorm), cacheSize, concurrency, replicas, dynamicDims);
    }

    /**
     * The total gradient norm (before clipping) of the most recent {@link #run}, or NaN before the first.
     *
     * @throws IllegalStateException if clipping is not enabled ({@link #withGradClipping})
     */
    public float lastGradNorm() {
        if (clip == null) {
            throw new IllegalStateException("lastGradNorm: gradient clipping is not enabled; use withGradClipping(maxNorm)");
        }
        return clip.lastNorm();
    }

    /** A new clipper with this one's bound, so that each Compiled reports its own norm; null without clipping. */
    private GradClip freshClip() {
        return clip == null ? null : new GradClip(clip.maxNorm());
    }

    /**
     * The same function keeping at most {@code size} specializations (least recently used evicted).
     *
     * @return a new {@code Compiled} with the same settings and an empty cache; this one is unchanged
     * @throws IllegalArgumentException if {@code size} is below 1
     */
    public Compiled withCacheSize(int size) {
        if (size < 1) throw new IllegalArgumentException("withCacheSize: size must be >= 1, got " + size);
        return new Compiled(fn, optimizer, freshClip(), size, concurrency, replicas, dynamicDims);
    }

    /**
     * The same function allowing up to {@code callers} concurrent {@link #forward} calls per
     * specialization, each with its own buffer set over the shared generated class; further callers
     * wait for a free set. Default: the number of processors (at least 2).
     *
     * @return a new {@code Compiled} with the same settings and an empty cache; this one is unchanged
     * @throws IllegalArgumentException if {@code callers} is below 1
     */
    public Compiled withConcurrency(int callers) {
        if (callers < 1) throw new IllegalArgumentException("withConcurrency: callers must be >= 1, got " + callers);
        return new Compiled(fn, optimizer, freshClip(), cacheSize, callers, replicas, dynamicDims);
    }

    /**
     * The same function with axis 0 of every input marked dynamic (the batch, one size {@code s} in
     * all inputs): the first call compiles one class for every batch size, so {@link #compileCount()}
     * stays at 1 (or 2 with both {@link #run} and {@link #forward}) over any mix of batch sizes. Inputs
     * without a batch axis need {@link #withDynamicDim(int, int)} for the others instead. A call whose
     * inputs disagree on the batch size is rejected with {@link IllegalArgumentException}; one whose
     * other dimensions differ from the first call's gets a program for its own shape. If the function
     * cannot be compiled for every size, each shape is compiled alone and {@link #explain()} says why.
     *
     * @return a new {@code Compiled} with the same settings and an empty cache; this one is unchanged
     */
    public Compiled withDynamicBatch() {
        return new Compiled(fn, optimizer, freshClip(), cacheSize, concurrency, replicas, dynamicDims.batch());
    }

    /**
     * The same function with axis {@code axis} of input {@code input} marked dynamic (negative axes
     * count from the end; checked against the first call's inputs). Calls accumulate: every marked
     * dimension is the same size {@code s} in each call (the batch of several inputs, say), and the
     * first call compiles one class for every {@code s}, as {@link #withDynamicBatch()} does.
     *
     * @param input the index of the input in the call's arguments
     * @param axis  the axis of that input that varies
     * @return a new {@code Compiled} with the same settings and an empty cache; this one is unchanged
     * @throws IllegalArgumentException if {@code input} is negative
     */
    public Compiled withDynamicDim(int input, int axis) {
        return new Compiled(fn, optimizer, freshClip(), cacheSize, concurrency, replicas, dynamicDims.dim(input, axis));
    }

    /**
     * The same function compiled per input shape only: no dimension becomes dynamic, even when the
     * batch size changes between calls. For functions whose graph depends on the batch size through
     * Java control flow (which tracing cannot see), and to keep every size a compile-time constant.
     *
     * @return a new {@code Compiled} with the same settings and an empty cache; this one is unchanged
     */
    public Compiled withStaticShapes() {
        return new Compiled(fn, optimizer, freshClip(), cacheSize, concurrency, replicas, dynamicDims.staticShapes());
    }

    /**
     * The same function with each {@link #run} split data-parallel over {@code replicas} threads: the
     * batch (axis 0, which every input must share) is cut into {@code replicas} equal shards, one
     * instance of the compiled forward and backward runs each shard on its own thread (the calling
     * one and the workers that large products use, so each shard's products stay on its thread), and
     * the shards' gradients are averaged before the fused clipping and update, which the threads
     * share by parameter. Small models gain from this where splitting each product does not.
     *
     * <p>The function must be a mean over axis 0 of independent per-example losses (the usual
     * {@code mean} of a loss; no batch statistics, no sum over the batch), and must not draw random
     * numbers. The first call checks this on its batch, compiling the whole-batch program once and
     * comparing its loss and gradients with the shards' average (so {@link #compileCount()} counts
     * two compiles for it), and throws {@link TraceException} naming the difference otherwise.
     * The result equals the whole-batch step up to float rounding (sums are added in another order).
     * A batch that does not divide into {@code replicas} equal shards runs undivided.
     *
     * @param replicas at least 1; 1 turns splitting off. More than {@link org.jitgrad.kernels.Gemm#parallelism()}
     *                 shards are allowed but share the threads.
     * @return a new {@code Compiled} with the same settings and an empty cache; this one is unchanged
     * @throws IllegalArgumentException if {@code replicas} is below 1
     */
    public Compiled withDataParallel(int replicas) {
        if (replicas < 1) throw new IllegalArgumentException("withDataParallel: replicas must be >= 1, got " + replicas);
        return new Compiled(fn, optimizer, freshClip(), cacheSize, concurrency, replicas, dynamicDims);
    }

    /**
     * Forward and backward (and the fused clipping and optimizer update, if any) on these inputs.
     * Afterwards each parameter's {@link Tensor#grad()} holds d loss / d parameter for this call
     * (clipped, with {@link #withGradClipping}): gradients are overwritten, not accumulated (zero for a
     * traced parameter the loss does not depend on).
     * Parameter values are read at each call, so updates made outside (a tape optimizer, a
     * checkpoint load) are seen. A step allocates nothing; pass a reused {@code Tensor[]} rather than
     * separate arguments to avoid Java's varargs array too.
     *
     * <p>Values are not checked: a NaN or infinite input or loss flows into the gradients and, with a fused
     * optimizer, into the parameters in the same call, as PyTorch's {@code loss.backward(); opt.step()} would. To
     * skip such a batch, compile without {@link #withOptimizer} and call the optimizer's {@code step()} only after
     * checking the returned loss.
     *
     * @param inputs the data, as many and of the same ranks as at the first call
     * @return the loss
     * @throws TraceException           if the function cannot be compiled (it reads values, uses an op
     *                                  the compiler cannot lower, or does not return a scalar)
     * @throws IllegalArgumentException if the inputs differ in number or rank from the first call, or an input is a
     *                                  parameter ({@code requiresGrad()}): gradients are computed for the parameters
     *                                  the function captures, never for its inputs
     * @throws IllegalStateException    if another thread is running this {@code Compiled}'s {@code run}, whatever its
     *                                  inputs' shapes
     */
    public float run(Tensor... inputs) {
        checkNoParameterInputs("run", inputs);
        // one flag for every specialization: two shapes' programs share the parameters, and the optimizer's state
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("Compiled.run: this step is already running on another thread (with inputs of"
                    + " this or another shape); a training step serves one caller at a time (its gradients, parameters"
                    + " and optimizer state are shared)");
        }
        try {
            if (replicas > 1 && divides(inputs)) return shardedSpecialization(inputs).run(inputs);
            return specialization(inputs, true).run(inputs);
        } finally {
            running.set(false);
        }
    }

    /** Whether every input has axis 0 of the same size and it divides into {@link #replicas} equal shards. */
    private boolean divides(Tensor[] inputs) {
        checkSignature(inputs);
        if (inputs.length == 0 || inputs[0].rank() == 0) return false;
        int batch = inputs[0].shape().dim(0);
        if (batch % replicas != 0) return false;
        for (Tensor t : inputs) if (t.rank() == 0 || t.shape().dim(0) != batch) return false;
        return true;
    }

    private ShardedSpecialization shardedSpecialization(Tensor[] inputs) {
        ShardedSpecialization hit = findSharded(inputs);
        if (hit == null) {
            synchronized (compileLock) {
                hit = findSharded(inputs);
                if (hit == null) hit = compileSharded(inputs);
            }
        }
        hit.lastUsed = clock.incrementAndGet();
        return hit;
    }

    private ShardedSpecialization findSharded(Tensor[] inputs) {
        for (ShardedSpecialization s : sharded) {
            if (s.matches(inputs)) {
                cacheHits.increment();
                return s;
            }
        }
        return null;
    }

    private ShardedSpecialization compileSharded(Tensor[] inputs) {
        Tensor[] firstShard = new Tensor[inputs.length];
        Shape[] shapes = new Shape[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            shapes[i] = inputs[i].shape();
            int[] dims = shapes[i].dims();
            dims[0] /= replicas;
            firstShard[i] = Tensor.wrap(Arrays.copyOf(inputs[i].storage(), inputs[i].size() / replicas), dims);
        }
        Specialization shard = Compiler.compileShard(fn, firstShard);
        compileCount.incrementAndGet();
        rememberRanks(inputs);
        int[] optimizerIndex = optimizer == null ? null : Compiler.optimizerIndex(shard.parameters(), optimizer);
        int[] clippedSlots = clip == null ? null : Compiler.clippedSlots(optimizerIndex, shard.parameters().size());
        ShardedSpecialization created = new ShardedSpecialization(shard, firstShard, shapes, replicas, optimizer,
                optimizerIndex, clip, clippedSlots);
        ShardCheck.verify(fn, inputs, created, shard.parameters());
        compileCount.incrementAndGet();
        sharded = withNewest(sharded, created, s -> s.lastUsed);
        return created;
    }

    /**
     * Traces and compiles the training program for these inputs' shapes without running a step, so a
     * service can pay the compile cost at start-up. A later {@link #run} with the same shapes reuses it. The function
     * runs once on {@code inputs} while it is traced; parameters are not changed.
     *
     * @param inputs inputs of the shapes to compile for (their values are used only by the trace)
     * @return this
     * @throws TraceException           as {@link #run}
     * @throws IllegalArgumentException as {@link #run}
     */
    public Compiled compile(Tensor... inputs) {
        checkNoParameterInputs("compile", inputs);
        if (replicas > 1 && divides(inputs)) {
            shardedSpecialization(inputs);
        } else {
            specialization(inputs, true);
        }
        return this;
    }

    /**
     * Like {@link #compile} for the forward-only program that {@link #forward} uses.
     *
     * @return this
     */
    public Compiled compileForward(Tensor... inputs) {
        specialization(inputs, false);
        return this;
    }

    /**
     * Forward only (no backward is compiled): the function's output for these inputs, as a new
     * tensor. Safe to call from many threads at once: each concurrent caller runs in its own buffer
     * set (see {@link #withConcurrency}). The first call with a new signature traces and compiles, as {@link #run}
     * does. Gradients and parameters are not touched.
     *
     * @param inputs the data, as many and of the same ranks as at the first call
     * @return the function's result, a new tensor that tracks no gradient
     * @throws TraceException           if the function cannot be compiled
     * @throws IllegalArgumentException if the inputs differ in number or rank from the first call
     */
    public Tensor forward(Tensor... inputs) {
        return specialization(inputs, false).forward(inputs, null);
    }

    /**
     * Like {@link #forward(Tensor...)}, but with the parameters' values taken from {@code snapshot}
     * instead of the live tensors: a prediction that never mixes weights of two training steps while
     * another thread trains. No lock and no copy per call.
     *
     * @param snapshot weights published by a {@link org.jitgrad.snapshot.SnapshotPublisher} over this function's
     *                 parameters
     * @throws NullPointerException     if {@code snapshot} is null
     * @throws IllegalArgumentException if a traced parameter is not in the snapshot
     */
    public Tensor forward(ParameterSnapshot snapshot, Tensor... inputs) {
        if (snapshot == null) throw new NullPointerException("forward: snapshot is null");
        return specialization(inputs, false).forward(inputs, snapshot);
    }

    private Specialization specialization(Tensor[] inputs, boolean train) {
        checkSignature(inputs);
        Specialization hit = find(train ? training : inference, inputs);
        if (hit == null) {
            synchronized (compileLock) {
                hit = find(train ? training : inference, inputs);
                if (hit == null) hit = compileAndCache(inputs, train);
            }
        }
        hit.lastUsed = clock.incrementAndGet();
        last = hit;
        return hit;
    }

    private Specialization find(Specialization[] cache, Tensor[] inputs) {
        for (Specialization s : cache) {
            if (s.matches(inputs)) {
                cacheHits.increment();
                return s;
            }
        }
        return null;
    }

    private Specialization compileAndCache(Tensor[] inputs, boolean train) {
        Specialization created = dynamicPolicy.compile(fn, inputs, train ? training : inference, train,
                train ? optimizer : null, train ? clip : null, concurrency);
        compileCount.incrementAndGet();
        rememberRanks(inputs);
        Specialization[] updated = withNewest(train ? training : inference, created, s -> s.lastUsed);
        if (train) training = updated;
        else inference = updated;
        return created;
    }

    /** Records the inputs' ranks, which every later call must match, at the first compile. */
    private void rememberRanks(Tensor[] inputs) {
        if (ranks != null) return;
        int[] r = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) r[i] = inputs[i].rank();
        ranks = r;
    }

    /**
     * {@code cache} with {@code created} added, and its least recently used entry dropped if it already
     * held {@link #cacheSize} entries.
     */
    private <T> T[] withNewest(T[] cache, T created, ToLongFunction<T> lastUsed) {
        List<T> kept = new ArrayList<>(List.of(cache));
        if (kept.size() >= cacheSize) {
            T oldest = kept.get(0);
            for (T s : kept) if (lastUsed.applyAsLong(s) < lastUsed.applyAsLong(oldest)) oldest = s;
            kept.remove(oldest);
        }
        kept.add(created);
        return kept.toArray(Arrays.copyOf(cache, 0));
    }

    /**
     * The training program treats its inputs as data: an input marked {@code requiresGrad()} would get no gradient and,
     * with a fused optimizer, silently no update, where the tape's {@code fn.apply(w, x).backward()} gives it both.
     */
    private static void checkNoParameterInputs(String where, Tensor[] inputs) {
        if (inputs == null) return;   // checkSignature names it
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null && inputs[i].isParameter()) {
                throw new IllegalArgumentException("Compiled." + where + ": input " + i + " " + inputs[i].shape()
                        + " is a parameter (requiresGrad()); a compiled step differentiates the parameters its function"
                        + " captures, not its inputs, so this one would get no gradient and no update. Capture it in the"
                        + " function instead, or pass detach() of it as data");
            }
        }
    }

    private void checkSignature(Tensor[] inputs) {
        if (inputs == null) throw new NullPointerException("Compiled: inputs array is null");
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) throw new NullPointerException("Compiled: input " + i + " is null");
        }
        int[] expected = ranks;
        if (expected == null) return;
        if (inputs.length != expected.length) {
            throw new IllegalArgumentException("Compiled: expected " + expected.length + " inputs (as in the first call), got "
                    + inputs.length);
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].rank() != expected[i]) {
                throw new IllegalArgumentException("Compiled: input " + i + " has shape " + inputs[i].shape() + " (rank "
                        + inputs[i].rank() + ") but the first call passed rank " + expected[i]);
            }
        }
    }

    /** The generated program of the most recently used specialization (for tests), or null. */
    org.jitgrad.compile.emit.GeneratedStep lastProgram() {
        Specialization s = last;
        return s == null ? null : s.program();
    }

    /** How many specializations have been traced and compiled. */
    public int compileCount() { return compileCount.get(); }

    /** How many calls (and {@code compile} calls) found their specialization already compiled. */
    public long cacheHits() { return cacheHits.sum(); }

    /** The bound on kept specializations. */
    public int cacheSize() { return cacheSize; }

    /**
     * A listing of the most recently used specialization: the IR before and after fusion and the
     * buffer plan; empty before the first call. For the program of a dynamic batch, the IR's shapes
     * are written in {@code s}; a program compiled for one shape says first why the dynamic one did not
     * serve it (the reason the function cannot be compiled for every batch size, or the guard it failed).
     */
    public String explain() {
        Specialization s = last;
        return s == null ? "" : s.explanation();
    }
}
