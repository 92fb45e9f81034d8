package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jitgrad.app.data.Datasets;
import org.jitgrad.app.model.Engine;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.model.OptimizerKind;
import org.jitgrad.app.model.TrainStep;
import org.jitgrad.data.Batch;
import org.jitgrad.data.BatchIterator;
import org.jitgrad.nn.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jitgrad bench}. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A quick comparison of training steps per second, compiled against tape, on the chosen model and data.",
                "Rough wall-clock figures from one JVM (warm-up, then a timed run per engine); "
                        + "for careful measurements use the JMH benchmarks in benchmarks/."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.001", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--optimizer", paramLabel = "sgd|adam", defaultValue = "adam", description = "Optimizer (default: ${DEFAULT-VALUE}).")
    OptimizerKind optimizer;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "100", description = "Untimed steps per engine first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "300", description = "Timed steps per engine (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the GEMM kernels (sets jitgrad.threads before the kernels load).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        Threads.apply(threads);
        if (batch < 1 || warmup < 0 || steps < 1) throw new IllegalArgumentException("--batch and --steps must be >= 1, --warmup >= 0");
        LearningRate.check(lr);
        PrintWriter out = spec.commandLine().getOut();
        Datasets.TrainTest sets = data.load(data.name(null));
        ModelSpec modelSpec = model.spec(sets.train());
        out.println(f("bench: %s on %s, batch %d, %s; %d warm-up + %d timed steps per engine", modelSpec.describe(), sets.name(),
                batch, optimizer.name().toLowerCase(Locale.ROOT), warmup, steps));
        out.println("  (rough wall-clock figures from one JVM run, not a benchmark: see benchmarks/ for JMH)");
        double[] rate = new double[2];
        Engine[] engines = {Engine.TAPE, Engine.COMPILED};
        for (int i = 0; i < engines.length; i++) {
            Sequential net = modelSpec.build(seed);
            TrainStep step = new TrainStep(engines[i], net, optimizer.create(net.parameters(), lr), modelSpec.norm());
            BatchIterator batches = BatchIterator.shuffled(sets.train(), batch, seed, true);
            if (batches.batchesPerEpoch() == 0) throw new IllegalArgumentException("--batch " + batch + " is larger than the training set");
            Cursor cursor = new Cursor(batches);
            for (int s = 0; s < warmup; s++) cursor.step(step);
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) cursor.step(step);
            double seconds = (System.nanoTime() - t0) / 1e9;
            rate[i] = steps / seconds;
            out.println(f("  %-9s %8.1f steps/s  (%.3f ms/step, %s examples/s)", engines[i].name().toLowerCase(Locale.ROOT),
                    rate[i], 1e3 * seconds / steps, Format.count(Math.round(rate[i] * batch))));
            out.flush();
        }
        out.println(f("  compiled/tape: %.2fx", rate[1] / rate[0]));
        out.flush();
        return 0;
    }

    /** Endless full batches, epoch after epoch. */
    private static final class Cursor {
        private final BatchIterator batches;
        private int epoch;

        Cursor(BatchIterator batches) {
            this.batches = batches;
            batches.startEpoch(0);
        }

        void step(TrainStep step) {
            if (!batches.hasNext()) batches.startEpoch(++epoch);
            Batch b = batches.next();
            step.step(b.features(), b.labels(), b.size(), b.featureCount());
        }
    }
}
