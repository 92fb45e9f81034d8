package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jitgrad.compile.emit.ClassEmitter;
import org.jitgrad.compile.emit.GeneratedStep;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the generated class is made of, and the debugging aids around it. */
class GeneratedClassTest {
    @Test
    void holdsOnlyBuffersKernelCallsLoopHandlesAndTheOptimizer() {
        Sequential model = ReferenceModels.MNIST.model(1);
        Compiled step = Compiled.trace(ReferenceModels.MNIST.loss(model)).withOptimizer(new SGD(model.parameters(), 0.01f, 0.9f));
        step.run(ReferenceModels.MNIST.input(2), ReferenceModels.MNIST.target(3));
        GeneratedStep program = step.lastProgram();
        Class<?> generated = program.getClass();
        assertTrue(generated.isHidden(), "generated class must be hidden so it can be unloaded");
        int arrays = 0;
        for (Field f : generated.getDeclaredFields()) {
            assertTrue(f.getType() == float[].class || f.getType() == float[][].class
                    || f.getType() == org.jitgrad.compile.emit.KernelCall.class
                    || f.getType() == java.lang.invoke.MethodHandle[].class, "field " + f.getName() + " holds a " + f.getType());
            assertTrue(!Modifier.isStatic(f.getModifiers()), "static field " + f.getName());
            if (f.getType() == float[].class) arrays++;
        }
        assertTrue(arrays >= 2 + 6 + 6, "inputs, parameters and gradients are fields: " + arrays);
        for (Field f : GeneratedStep.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            assertTrue(f.getName().equals("optimizer") || f.getName().equals("sizes"),
                    "the base class holds only the optimizer and the size table: " + f.getName());
        }
    }

    @Test
    void explainListsIrStepsAndBufferPlan() {
        Sequential model = ReferenceModels.TINY.model(1);
        Compiled step = Compiled.trace(ReferenceModels.TINY.loss(model));
        assertEquals("", step.explain());
        step.run(ReferenceModels.TINY.input(2), ReferenceModels.TINY.target(3));
        String text = step.explain();
        assertTrue(text.contains("== IR (traced + backward) =="), text);
        assertTrue(text.contains("tanh_grad("), "backward graph listed: " + text);
        assertTrue(text.contains("fused loop"), text);
        assertTrue(text.contains("+ column sum"), "bias gradient fused as a column sum: " + text);
        assertTrue(text.contains("== buffer plan =="), text);
        assertTrue(text.contains("arena slots"), text);
    }

    @Test
    void tanhInAGeneratedLoopHasTheKernelsBits() {
        // tanh after a scale is a fused loop of lane rules (not the GEMM's epilogue): its fused multiply-adds must round
        // as the tape's kernel does, whole vectors and the masked tail alike (1,003 elements), clamps included
        float[] v = new float[1003];
        for (int i = 0; i < v.length; i++) v[i] = -12f + 24f * i / (v.length - 1);
        v[0] = Float.NaN;
        v[1] = Float.POSITIVE_INFINITY;
        v[2] = -0f;
        Tensor x = Tensor.of(v, v.length);
        Compiled fn = Compiled.trace(in -> in[0].mul(1.5f).tanh());
        Tensor compiled = fn.forward(x);
        assertTrue(fn.explain().contains("fused loop") && fn.explain().contains("tanh("), fn.explain());
        assertArrayEquals(x.mul(1.5f).tanh().toArray(), compiled.toArray());
    }

    @Test
    void forwardCompilesNoBackward() {
        Sequential model = ReferenceModels.TINY.model(1);
        Tensor x = ReferenceModels.TINY.input(2);
        Compiled infer = Compiled.trace(in -> model.forward(in[0]));
        Tensor out = infer.forward(x);
        assertArrayEquals(model.forward(x).toArray(), out.toArray());  // the same kernels and tanh in every JIT tier: same bits
        assertTrue(!infer.explain().contains("_grad("), infer.explain());
        assertTrue(!infer.explain().contains("grad param"), infer.explain());
        for (Tensor p : model.parameters()) assertNull(p.grad());
        Tensor again = infer.forward(x);
        assertTrue(again != out, "each forward returns a new tensor");
        assertArrayEquals(out.toArray(), again.toArray(), 0f);
    }

    @Test
    void dumpsClassFilesWhenAsked(@TempDir Path dir) throws IOException {
        System.setProperty(ClassEmitter.DUMP_PROPERTY, dir.toString());
        try {
            Tensor w = Tensor.randn(1, 3, 2).requiresGrad();
            Compiled.trace(in -> in[0].matmul(w).tanh().sum()).run(Tensor.randn(2, 4, 3));
        } finally {
            System.clearProperty(ClassEmitter.DUMP_PROPERTY);
        }
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.toList();
        }
        assertEquals(1, files.size(), files.toString());
        byte[] bytes = Files.readAllBytes(files.get(0));
        assertEquals(0xCAFEBABE, ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff));
    }

    @Test
    void stepMethodsReachFusedLoopsOnlyThroughHandles(@TempDir Path dir) throws IOException {
        System.setProperty(ClassEmitter.DUMP_PROPERTY, dir.toString());
        Compiled step;
        try {
            TrainingParity.Net net = TrainingParity.Net.of(12);
            step = Compiled.trace(net.fn());
            step.run(TrainingParity.input(6), TrainingParity.labels());
        } finally {
            System.clearProperty(ClassEmitter.DUMP_PROPERTY);
        }
        byte[] bytes;
        try (var s = Files.list(dir)) {
            bytes = Files.readAllBytes(s.findFirst().orElseThrow());
        }
        int[] direct = {0}, throughHandles = {0};
        new net.bytebuddy.jar.asm.ClassReader(bytes).accept(new net.bytebuddy.jar.asm.ClassVisitor(net.bytebuddy.jar.asm.Opcodes.ASM9) {
            @Override
            public net.bytebuddy.jar.asm.MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                if (!name.startsWith("steps")) return null;
                return new net.bytebuddy.jar.asm.MethodVisitor(net.bytebuddy.jar.asm.Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String callee, String d, boolean itf) {
                        if (callee.startsWith("loop")) direct[0]++;
                        if (owner.equals("java/lang/invoke/MethodHandle") && callee.equals("invokeExact")) throughHandles[0]++;
                    }
                };
            }
        }, 0);
        int loops = Plans.count(Plans.steps(step), "fused loop");
        assertTrue(loops >= 2, Plans.steps(step));
        assertEquals(0, direct[0], "no step method calls a loop method directly (C2 could inline it)");
        assertEquals(loops, throughHandles[0], "every fused loop is called through its handle");
    }

    @Test
    void compileAheadOfTheFirstStep() {
        Sequential model = ReferenceModels.TINY.model(1);
        Tensor x = ReferenceModels.TINY.input(2), y = ReferenceModels.TINY.target(3);
        float[] before = model.parameters().get(0).toArray();
        Compiled step = Compiled.trace(ReferenceModels.TINY.loss(model))
                .withOptimizer(new SGD(model.parameters(), 0.01f, 0.9f)).compile(x, y);
        assertEquals(1, step.compileCount());
        assertArrayEquals(before, model.parameters().get(0).toArray(), 0f, "compile() runs no step");
        step.run(x, y);
        assertEquals(1, step.compileCount());
        assertEquals(1, step.cacheHits());
    }

    @Test
    void parameterValuesAreReadAtEachCall() {
        Tensor w = Tensor.full(1f, 3).requiresGrad();
        Compiled step = Compiled.trace(in -> Losses.mse(in[0].mul(w), Tensor.zeros(2, 3)));
        Tensor x = Tensor.ones(2, 3);
        assertEquals(1f, step.run(x), 0f);
        w.copyFrom(new float[] {2f, 2f, 2f});
        assertEquals(4f, step.run(x), 0f);
        assertArrayEquals(new float[] {4f / 3, 4f / 3, 4f / 3}, w.grad().toArray(), 1e-6f);
    }
}
