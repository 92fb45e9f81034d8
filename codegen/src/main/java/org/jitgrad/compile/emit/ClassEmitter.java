package org.jitgrad.compile.emit;

import static org.jitgrad.compile.emit.Descriptors.GRAD_CLIP;
import static org.jitgrad.compile.emit.Descriptors.GRAD_NORM_KERNELS;
import static org.jitgrad.compile.emit.Descriptors.OPTIMIZER;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.ByteCodeAppender;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatchers;
import org.jitgrad.compile.ir.IrNode;
import org.jitgrad.compile.passes.CrossEntropyStep;
import org.jitgrad.compile.passes.FusedLoop;
import org.jitgrad.compile.passes.KernelStep;
import org.jitgrad.compile.passes.CausalSoftmaxGradStep;
import org.jitgrad.compile.passes.CausalSoftmaxStep;
import org.jitgrad.compile.passes.MatmulStep;
import org.jitgrad.compile.passes.StridedMatmulStep;
import org.jitgrad.compile.passes.Step;
import org.jitgrad.compile.plan.Buffer;
import org.jitgrad.compile.plan.BufferPlan;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Shape;

/**
 * Generates one {@link GeneratedStep} subclass for a {@link Program} with ByteBuddy and defines it as
 * a hidden class, so that it is unloaded when nothing references it any more. The class holds every
 * buffer as a field; {@code run} stores the inputs, calls the step methods in order (each small enough
 * for the JIT), copies shared gradients, clips them and applies the fused optimizer.
 */
public final class ClassEmitter implements Opcodes {
    /** Set this system property to a directory to dump every generated class file there. */
    public static final String DUMP_PROPERTY = "jitgrad.dumpClasses";
    private static final int STEPS_PER_METHOD = 24;
    private static final AtomicLong COUNTER = new AtomicLong();
    /** The field holding the fused {@link GradClip}; defined only when the program clips. */
    private static final String CLIP_FIELD = "clip";
    /**
     * The field holding a handle to each fused-loop method, through which the step methods call them. A handle read
     * from an array is not a constant, so C2 never inlines a loop into a step method: inlined, a small loop went past
     * the step method's node budget after some call histories and its vector operations were left as calls to their
     * allocating Java fallbacks (GEMM_RESULTS.md, 2026-12-07). Each loop is compiled on its own instead.
     */
    private static final String LOOPS_FIELD = "loops";
    private static final String D_HANDLES = "[Ljava/lang/invoke/MethodHandle;";

    private ClassEmitter() {}

    /**
     * A generated class: its constructor {@code (float[][] buffers, KernelCall[] calls, Optimizer, GradClip,
     * MethodHandle[] loops)}, the field order of the buffers, the default-lowered calls it makes and the handles
     * of its fused-loop methods.
     */
    public record Emitted(MethodHandle constructor, List<Buffer> fields, List<KernelCall> calls, List<MethodHandle> loops,
                          byte[] bytes, String name) {
        /**
         * Creates an instance over {@code buffers} (in {@link #fields()} order); {@code optimizer} and
         * {@code clip} may be null when the program fuses none.
         */
        public GeneratedStep instantiate(float[][] buffers, Optimizer optimizer, GradClip clip) {
            return instantiate(buffers, calls.toArray(KernelCall[]::new), optimizer, clip);
        }

        /**
         * Like {@link #instantiate(float[][], Optimizer, GradClip)} with this instance's own kernel calls
         * (copies of {@link #calls()}, in order), which a program with a dynamic dimension rebinds per size.
         */
        public GeneratedStep instantiate(float[][] buffers, KernelCall[] ownCalls, Optimizer optimizer, GradClip clip) {
            if (ownCalls.length != calls.size()) {
                throw new IllegalArgumentException("instantiate " + name + ": " + ownCalls.length + " kernel calls for " + calls.size());
            }
            try {
                return (GeneratedStep) constructor.invoke(buffers, ownCalls, optimizer, clip, loops.toArray(MethodHandle[]::new));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("cannot instantiate generated class " + name, t);
            }
        }
    }

    /** Emits and defines the class for {@code program}. */
    public static Emitted emit(Program program) {
        String simpleName = "Step$" + COUNTER.incrementAndGet();
        String binaryName = ClassEmitter.class.getPackageName() + "." + simpleName;
        String owner = binaryName.replace('.', '/');
        BufferPlan plan = program.plan();
        Map<String, Buffer> fields = fields(program);

        DynamicType.Builder<GeneratedStep> builder = new ByteBuddy(ClassFileVersion.JAVA_V17)
                .subclass(GeneratedStep.class, ConstructorStrategy.Default.NO_CONSTRUCTORS)
                .name(binaryName)
                .visit(new AsmVisitorWrapper.ForDeclaredMethods().writerFlags(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS));
        for (String f : fields.keySet()) builder = builder.defineField(f, float[].class, Visibility.PRIVATE);
        List<String> fieldNames = new ArrayList<>(fields.keySet());
        Map<IrNode, Integer> callIndex = new java.util.IdentityHashMap<>();
        List<KernelCall> calls = new ArrayList<>();
        for (Step s : program.steps()) {
            if (!(s instanceof KernelStep k)) continue;
            IrNode n = k.node();
            Shape[] in = new Shape[n.inputs().size()];
            for (int i = 0; i < in.length; i++) in[i] = n.input(i).shape();
            callIndex.put(n, calls.size());
            builder = builder.defineField(callField(calls.size()), KernelCall.class, Visibility.PRIVATE)
                    .defineField(argsField(calls.size()), float[][].class, Visibility.PRIVATE);
            calls.add(new KernelCall(n.op(), n.params(), in, n.shape()));
        }
        List<KernelCall> callList = List.copyOf(calls);
        if (program.clipping()) builder = builder.defineField(CLIP_FIELD, GradClip.class, Visibility.PRIVATE);
        builder = builder.defineField(LOOPS_FIELD, MethodHandle[].class, Visibility.PRIVATE);
        builder = builder.defineConstructor(Visibility.PUBLIC)
                .withParameters(float[][].class, KernelCall[].class, Optimizer.class, GradClip.class, MethodHandle[].class)
                .intercept(body(mv -> constructor(mv, owner, fieldNames, callList, program.clipping())));

        List<List<Step>> chunks = new ArrayList<>();
        for (int i = 0; i < program.steps().size(); i += STEPS_PER_METHOD) {
            chunks.add(program.steps().subList(i, Math.min(program.steps().size(), i + STEPS_PER_METHOD)));
        }
        Extents extents = program.extents();
        Map<FusedLoop.Structure, Integer> methodOfStructure = new LinkedHashMap<>();
        Map<FusedLoop, Integer> loopMethods = new LinkedHashMap<>();
        List<MethodType> loopTypes = new ArrayList<>();
        for (Step s : program.steps()) {
            if (!(s instanceof FusedLoop loop)) continue;
            boolean runtimeBounds = !extents.isFixed(loop.root());
            FusedLoop.Structure key = loop.structure(!runtimeBounds);
            Integer index = methodOfStructure.get(key);
            if (index == null) {
                index = methodOfStructure.size();
                methodOfStructure.put(key, index);
                MethodType type = FusedLoopEmitter.methodType(loop, runtimeBounds);
                loopTypes.add(type);
                int slots = FusedLoopEmitter.parameterSlots(loop, runtimeBounds);
                builder = builder.defineMethod(loopMethod(index), void.class, Visibility.PRIVATE,
                                net.bytebuddy.description.modifier.Ownership.STATIC)
                        .withParameters(type.parameterArray())
                        .intercept(body(mv -> new FusedLoopEmitter(new MethodWriter(mv, owner, slots), loop, runtimeBounds).emit()));
            }
            loopMethods.put(loop, index);
        }
        UpdateSchedule updates = UpdateSchedule.of(program);
        for (int c = 0; c < chunks.size(); c++) {
            List<Step> chunk = chunks.get(c);
            int firstStep = c * STEPS_PER_METHOD;
            builder = builder.defineMethod("steps" + c, void.class, Visibility.PRIVATE)
                    .intercept(body(mv -> chunk(new MethodWriter(mv, owner, 1), chunk, firstStep, program, loopMethods,
                            callIndex, updates)));
        }
        int chunkCount = chunks.size();
        builder = builder.method(ElementMatchers.named("run"))
                .intercept(body(mv -> run(new MethodWriter(mv, owner, 2), program, chunkCount, updates)));

        builder = builder.method(ElementMatchers.named("bindParameters"))
                .intercept(body(mv -> bindParameters(mv, owner, program)));

        byte[] bytes = builder.make().getBytes();
        dump(simpleName, bytes);
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(bytes, true);
            MethodHandle ctor = lookup.findConstructor(lookup.lookupClass(),
                    MethodType.methodType(void.class, float[][].class, KernelCall[].class, Optimizer.class, GradClip.class,
                            MethodHandle[].class));
            List<MethodHandle> loops = new ArrayList<>();
            for (int i = 0; i < loopTypes.size(); i++) {
                loops.add(lookup.findStatic(lookup.lookupClass(), loopMethod(i), loopTypes.get(i)));
            }
            return new Emitted(ctor, List.copyOf(fields.values()), callList, List.copyOf(loops), bytes, simpleName);
        } catch (IllegalAccessException | NoSuchMethodException e) {
            throw new IllegalStateException("cannot define generated class " + simpleName, e);
        }
    }

    /** The name of the static method that runs fused loop number {@code index}. */
    private static String loopMethod(int index) {
        return "loop" + index;
    }

    /** Every buffer the program touches, by field name, in a stable order. */
    private static Map<String, Buffer> fields(Program program) {
        Map<String, Buffer> f = new LinkedHashMap<>();
        BufferPlan plan = program.plan();
        for (IrNode n : program.graph().inputs()) f.put(plan.of(n).name(), plan.of(n));
        for (IrNode n : program.graph().params()) {
            f.put(plan.of(n).name(), plan.of(n));
            if (program.training()) {
                Buffer g = new Buffer(Buffer.Kind.GRAD, n.slot());
                f.put(g.name(), g);
            }
        }
        for (Step s : program.steps()) {
            for (IrNode n : s.reads()) f.putIfAbsent(plan.of(n).name(), plan.of(n));
            for (IrNode n : s.outputs()) f.putIfAbsent(plan.of(n).name(), plan.of(n));
        }
        IrNode out = program.graph().output();
        f.putIfAbsent(plan.of(out).name(), plan.of(out));
        for (int[] copy : plan.gradientCopies()) {
            if (copy[0] < 0) {
                Buffer c = new Buffer(Buffer.Kind.CONST, -1 - copy[0]);
                f.putIfAbsent(c.name(), c);
            }
        }
        return f;
    }

    private interface BodyWriter {
        void write(MethodVisitor mv);
    }

    private static Implementation body(BodyWriter writer) {
        return new Implementation.Simple((ByteCodeAppender) (MethodVisitor mv, Implementation.Context ctx, MethodDescription md) -> {
            writer.write(mv);
            return new ByteCodeAppender.Size(0, 0);  // recomputed by COMPUTE_MAXS
        });
    }

    static String callField(int call) { return "call" + call; }

    static String argsField(int call) { return "args" + call; }

    private static void constructor(MethodVisitor mv, String owner, List<String> fieldNames, List<KernelCall> calls,
                                    boolean clipping) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, 3);
        mv.visitMethodInsn(INVOKESPECIAL, GeneratedStep.class.getName().replace('.', '/'), "<init>",
                "(L" + OPTIMIZER + ";)V", false);
        MethodWriter w = new MethodWriter(mv, owner, 6);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, 5);
        mv.visitFieldInsn(PUTFIELD, owner, LOOPS_FIELD, D_HANDLES);
        if (clipping) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, 4);
            mv.visitFieldInsn(PUTFIELD, owner, CLIP_FIELD, "L" + GRAD_CLIP + ";");
        }
        for (int c = 0; c < calls.size(); c++) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, 2);
            w.pushInt(c);
            mv.visitInsn(AALOAD);
            mv.visitFieldInsn(PUTFIELD, owner, callField(c), KernelCallEmitter.D_CALL);
            mv.visitVarInsn(ALOAD, 0);
            w.pushInt(calls.get(c).arity());
            mv.visitTypeInsn(ANEWARRAY, "[F");
            mv.visitFieldInsn(PUTFIELD, owner, argsField(c), "[[F");
        }
        for (int i = 0; i < fieldNames.size(); i++) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, 1);
            w.pushInt(i);
            mv.visitInsn(AALOAD);
            mv.visitFieldInsn(PUTFIELD, owner, fieldNames.get(i), "[F");
        }
        mv.visitInsn(RETURN);
    }

    private static void bindParameters(MethodVisitor mv, String owner, Program program) {
        MethodWriter w = new MethodWriter(mv, owner, 2);
        for (IrNode p : program.graph().params()) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, 1);
            w.pushInt(p.slot());
            mv.visitInsn(AALOAD);
            mv.visitFieldInsn(PUTFIELD, owner, program.plan().of(p).name(), "[F");
        }
        mv.visitInsn(RETURN);
    }

    private static void chunk(MethodWriter w, List<Step> steps, int firstStep, Program program,
                              Map<FusedLoop, Integer> loops, Map<IrNode, Integer> calls, UpdateSchedule updates) {
        BufferPlan plan = program.plan();
        Extents extents = program.extents();
        KernelCallEmitter kernels = new KernelCallEmitter(w, plan, extents);
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            switch (s) {
                case FusedLoop l -> {
                    w.mv.visitVarInsn(ALOAD, 0);
                    w.mv.visitFieldInsn(GETFIELD, w.owner(), LOOPS_FIELD, D_HANDLES);
                    w.pushInt(loops.get(l));
                    w.mv.visitInsn(AALOAD);
                    for (IrNode leaf : l.leaves()) w.loadArrayField(plan.of(leaf).name());
                    w.loadArrayField(plan.of(l.root()).name());
                    if (l.columnSum() != null) w.loadArrayField(plan.of(l.columnSum()).name());
                    for (IrNode e : l.extraOutputs()) w.loadArrayField(plan.of(e).name());
                    boolean runtimeBounds = !extents.isFixed(l.root());
                    if (runtimeBounds) {
                        boolean rows = l.rowLoop();
                        w.push(rows ? extents.rows(l.root()) : Extent.of(1));
                        w.push(rows ? extents.dim(l.root(), l.root().shape().rank() - 1) : extents.size(l.root()));
                    }
                    w.mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact",
                            FusedLoopEmitter.methodType(l, runtimeBounds).toMethodDescriptorString(), false);
                }
                case KernelStep k -> kernels.emit(k.node(), calls.get(k.node()));
                case CrossEntropyStep ce -> kernels.emit(ce);
                case MatmulStep mm -> kernels.emit(mm);
                case StridedMatmulStep sm -> kernels.emit(sm);
                case CausalSoftmaxStep cs -> kernels.emit(cs);
                case CausalSoftmaxGradStep cg -> kernels.emit(cg);
            }
            int global = firstStep + i;
            if (updates.beginsAfter(global)) beginOptimizerStep(w);
            for (IrNode p : updates.after(global)) update(w, program, p);
        }
        w.mv.visitInsn(RETURN);
    }

    private static void loadOptimizer(MethodWriter w) {
        w.mv.visitVarInsn(ALOAD, 0);
        w.mv.visitFieldInsn(GETFIELD, GeneratedStep.class.getName().replace('.', '/'), "optimizer", "L" + OPTIMIZER + ";");
    }

    private static void beginOptimizerStep(MethodWriter w) {
        loadOptimizer(w);
        w.mv.visitMethodInsn(INVOKEINTERFACE, OPTIMIZER, "beginStep", "()V", true);
    }

    /** {@code optimizer.update(index, param, grad)} for parameter {@code p}. */
    private static void update(MethodWriter w, Program program, IrNode p) {
        loadOptimizer(w);
        w.pushInt(program.optimizerIndex()[p.slot()]);
        w.loadArrayField(program.plan().of(p).name());
        w.loadArrayField("grad" + p.slot());
        w.mv.visitMethodInsn(INVOKEINTERFACE, OPTIMIZER, "update", "(I[F[F)V", true);
    }

    private static void run(MethodWriter w, Program program, int chunks, UpdateSchedule updates) {
        BufferPlan plan = program.plan();
        for (IrNode in : program.graph().inputs()) {
            w.mv.visitVarInsn(ALOAD, 0);
            w.mv.visitVarInsn(ALOAD, 1);
            w.pushInt(in.slot());
            w.mv.visitInsn(AALOAD);
            w.mv.visitFieldInsn(PUTFIELD, w.owner(), plan.of(in).name(), "[F");
        }
        for (int c = 0; c < chunks; c++) w.callOwn("steps" + c);
        if (program.training()) {
            for (int[] copy : plan.gradientCopies()) {
                String from = copy[0] >= 0 ? "grad" + copy[0] : "const" + (-1 - copy[0]);
                w.loadArrayField(from);
                w.pushInt(0);
                w.loadArrayField("grad" + copy[1]);
                w.pushInt(0);
                w.pushInt(program.graph().params().get(copy[1]).shape().size());
                w.invokeStatic("java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V");
            }
        }
        if (program.clipping()) clipGradients(w, program);
        if (program.fusedOptimizer()) {
            if (updates.beginsAtEnd()) beginOptimizerStep(w);
            for (IrNode p : updates.atEnd()) update(w, program, p);
        }
        if (program.training()) {
            w.loadArrayField(plan.of(program.graph().output()).name());
            w.pushInt(0);
            w.mv.visitInsn(FALOAD);
        } else {
            w.mv.visitInsn(FCONST_0);
        }
        w.mv.visitInsn(FRETURN);
    }

    /**
     * {@code double sum = Σ sumOfSquares(grad_i); float factor = clip.factor(sum); scale(grad_i, factor)}
     * over the clipped slots, after the gradient copies and before the update: the same kernels, in the
     * same order, as the tape's {@code GradClip.clipGradNorm}.
     */
    private static void clipGradients(MethodWriter w, Program program) {
        List<IrNode> params = program.graph().params();
        int sum = w.newLocal();
        w.newLocal();  // a double takes two local slots
        w.mv.visitInsn(DCONST_0);
        w.mv.visitVarInsn(DSTORE, sum);
        for (int slot : program.clippedSlots()) {
            w.mv.visitVarInsn(DLOAD, sum);
            w.loadArrayField("grad" + slot);
            w.pushInt(params.get(slot).shape().size());
            w.invokeStatic(GRAD_NORM_KERNELS, "sumOfSquares", "([FI)D");
            w.mv.visitInsn(DADD);
            w.mv.visitVarInsn(DSTORE, sum);
        }
        int factor = w.newLocal();
        w.loadField(CLIP_FIELD, "L" + GRAD_CLIP + ";");
        w.mv.visitVarInsn(DLOAD, sum);
        w.mv.visitMethodInsn(INVOKEVIRTUAL, GRAD_CLIP, "factor", "(D)F", false);
        w.mv.visitVarInsn(FSTORE, factor);
        for (int slot : program.clippedSlots()) {
            w.loadArrayField("grad" + slot);
            w.pushInt(params.get(slot).shape().size());
            w.mv.visitVarInsn(FLOAD, factor);
            w.invokeStatic(GRAD_NORM_KERNELS, "scale", "([FIF)V");
        }
    }

    private static void dump(String name, byte[] bytes) {
        String dir = System.getProperty(DUMP_PROPERTY);
        if (dir == null || dir.isBlank()) return;
        try {
            Path d = Path.of(dir);
            Files.createDirectories(d);
            Files.write(d.resolve(name + ".class"), bytes);
        } catch (IOException e) {
            System.err.println("jitgrad: cannot dump " + name + " to " + dir + ": " + e);
        }
    }
}
