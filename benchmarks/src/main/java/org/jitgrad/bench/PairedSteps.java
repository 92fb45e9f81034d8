package org.jitgrad.bench;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An A/B timer for code changes on a noisy host: the GPT training step of two or more benchmark jars, each loaded
 * through a class loader of its own into one JVM, their steps alternating (the order rotating each round), so that
 * every variant meets the host in the same state; then, for each variant against the first, the distribution of the
 * paired differences between steps taken next to each other. On this project's 2-vCPU host, whose speed moves by up
 * to 2x within minutes, the medians of separate runs moved more than the changes being decided; paired differences
 * did not (an A/A pair, the same jar twice: +0.381 ms median over 400 pairs). It decides between variants; the
 * figures reported for a state of the code come from JMH ({@link GptStepBenchmark}).
 *
 * <p>Usage: {@code PairedSteps warmup pairs threads name=jar name=jar ...} (see {@code benchmarks/pair}). A jar that
 * predates this class is given the {@link GptTrainingStep} of the jar running it (loaded after its own classes).
 */
public final class PairedSteps {
    private PairedSteps() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: PairedSteps warmup pairs threads name=jar name=jar [name=jar...]");
        }
        int warmup = Integer.parseInt(args[0]), pairs = Integer.parseInt(args[1]), threads = Integer.parseInt(args[2]);
        if (warmup < 0 || pairs < 1 || threads < 1) {
            throw new IllegalArgumentException("warmup must be >= 0, pairs and threads >= 1; got " + warmup + ", " + pairs
                    + ", " + threads);
        }
        int k = args.length - 3;
        String[] names = new String[k];
        Runnable[] steps = new Runnable[k];
        URL own = PairedSteps.class.getProtectionDomain().getCodeSource().getLocation();
        for (int v = 0; v < k; v++) {
            String[] nameJar = args[3 + v].split("=", 2);
            if (nameJar.length != 2 || !Files.isRegularFile(Path.of(nameJar[1]))) {
                throw new IllegalArgumentException("expected name=jar with an existing jar, got " + args[3 + v]);
            }
            Path jar = Path.of(nameJar[1]);
            names[v] = nameJar[0];
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL(), own},
                    ClassLoader.getPlatformClassLoader());
            steps[v] = (Runnable) loader.loadClass(GptTrainingStep.class.getName()).getConstructor(int.class)
                    .newInstance(threads);
        }
        for (int i = 0; i < warmup; i++) for (Runnable s : steps) s.run();
        double[][] ms = new double[k][pairs];
        for (int i = 0; i < pairs; i++) {
            for (int j = 0; j < k; j++) {
                int v = (i + j) % k;
                long t0 = System.nanoTime();
                steps[v].run();
                ms[v][i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        for (int v = 0; v < k; v++) {
            double[] s = ms[v].clone();
            Arrays.sort(s);
            System.out.printf("%s: min %.2f p10 %.2f p25 %.2f median %.2f ms/step%n", names[v], s[0], q(s, 0.10),
                    q(s, 0.25), q(s, 0.5));
        }
        for (int v = 1; v < k; v++) {
            double[] d = new double[pairs];
            for (int i = 0; i < pairs; i++) d[i] = ms[v][i] - ms[0][i];
            Arrays.sort(d);
            System.out.printf("%s - %s, paired: median %.3f ms, p25 %.3f, p75 %.3f (%d pairs)%n", names[v], names[0],
                    q(d, 0.5), q(d, 0.25), q(d, 0.75), pairs);
        }
    }

    private static double q(double[] sorted, double at) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(at * sorted.length))];
    }
}
