package org.jitgrad.compile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A long-running service recompiles: 10,000 trace-compile-drop cycles must leave loaded classes and
 * Metaspace flat, because each generated class is a hidden class that dies with its Compiled.
 */
class ClassUnloadingTest {
    private static final int CYCLES = 10_000;

    @Test
    void tenThousandCompilesKeepClassesAndMetaspaceFlat() {
        Tensor w = Tensor.randn(1, 8, 4).requiresGrad();
        Tensor x = Tensor.randn(2, 3, 8);
        for (int i = 0; i < 500; i++) cycle(w, x);  // warm up: load everything the pipeline itself needs
        settle();
        long classesBefore = loadedClasses();
        long metaspaceBefore = metaspaceUsed();
        for (int i = 0; i < CYCLES; i++) cycle(w, x);
        settle();
        long classesAfter = loadedClasses();
        long metaspaceAfter = metaspaceUsed();
        String figures = "loaded classes " + classesBefore + " -> " + classesAfter + ", Metaspace used "
                + metaspaceBefore / 1024 + " KiB -> " + metaspaceAfter / 1024 + " KiB after " + CYCLES + " compiles";
        System.out.println(figures);
        assertTrue(classesAfter - classesBefore < 200, figures);
        assertTrue(metaspaceAfter - metaspaceBefore < 8L * 1024 * 1024, figures);
    }

    private static void cycle(Tensor w, Tensor x) {
        Compiled c = Compiled.trace(in -> in[0].matmul(w).tanh().sum());
        c.run(x);
    }

    private static void settle() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long loadedClasses() {
        ClassLoadingMXBean bean = ManagementFactory.getClassLoadingMXBean();
        return bean.getLoadedClassCount();
    }

    private static long metaspaceUsed() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("Metaspace")) return pool.getUsage().getUsed();
        }
        throw new IllegalStateException("no Metaspace pool");
    }
}
