package org.jitgrad.bench;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.jitgrad.compile.Compiled;
import org.jitgrad.optim.Optimizer;

/**
 * Diagnostic, not a JMH benchmark: prints steps/s and allocated bytes per step for each one-second
 * window of a training loop from a cold JVM, to see how long the JIT needs before a mode reaches its
 * steady state (and so how much warm-up {@link TrainingStepBenchmark} needs).
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     org.jitgrad.bench.WarmupCurve deep compiledFused 60
 * </pre>
 */
public final class WarmupCurve {
    private WarmupCurve() {}

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: WarmupCurve <tiny|mnist|wide|deep> <tape|compiled|compiledFused> [seconds=30]");
            System.exit(2);
        }
        Workload.Instance w = Workload.of(args[0]).instantiate();
        String mode = args[1];
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Optimizer opt = w.newOptimizer();
        Compiled c = switch (mode) {
            case "tape" -> null;
            case "compiled" -> w.compiled();
            case "compiledFused" -> w.compiled().withOptimizer(opt);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long start = System.nanoTime();
        long t0 = System.nanoTime();
        float loss = step(w, opt, c, mode);
        System.out.printf(Locale.ROOT, "first step (trace+compile+step for compiled modes): %.1f ms, loss %.4f%n",
                (System.nanoTime() - t0) / 1e6, loss);
        long total = 1;
        for (int s = 1; s <= seconds; s++) {
            long b0 = mx.getThreadAllocatedBytes(tid);
            long w0 = System.nanoTime();
            long n = 0;
            while (System.nanoTime() - w0 < 1_000_000_000L) {
                loss = step(w, opt, c, mode);
                n++;
            }
            long dt = System.nanoTime() - w0;
            long b1 = mx.getThreadAllocatedBytes(tid);
            total += n;
            System.out.printf(Locale.ROOT, "t=%3ds steps=%7d  %10.1f steps/s  %12.0f B/step  loss %.4f%n",
                    (System.nanoTime() - start) / 1_000_000_000L, total, n * 1e9 / dt, (double) (b1 - b0) / n, loss);
        }
    }

    private static float step(Workload.Instance w, Optimizer opt, Compiled c, String mode) {
        return switch (mode) {
            case "tape" -> w.tapeStep(opt);
            case "compiled" -> {
                float l = c.run(w.x(), w.y());
                opt.step();
                yield l;
            }
            default -> c.run(w.x(), w.y());
        };
    }
}
