package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.serve.ServeConfig;
import org.jitgrad.app.serve.ModelMerge;
import org.jitgrad.app.serve.RequestTimeLimit;
import org.jitgrad.app.serve.TrainingServer;
import org.jitgrad.app.serve.WarmUpPlan;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jitgrad serve}. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run an HTTP server that trains a classifier online (an MLP, or with --model cnn a LeNet-style CNN) and serves "
                + "predictions while it learns.",
                "POST /train (CSV: label,x1,...,xn), POST /predict (CSV: x1,...,xn), GET /metrics, GET /health.",
                "It warms up first (GET /health answers 503 until then, 200 after); see --no-warmup.",
                "Features are raw values (MNIST pixels in 0..1); the server standardizes them with --input-mean/--input-std.",
                "SIGTERM (Ctrl-C) stops accepting, trains everything queued, then writes --save."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--inputs", paramLabel = "N", description = "Features per example (default: 784; with --load the checkpoint's).")
    Integer inputs;

    @Option(names = "--classes", paramLabel = "N", description = "Number of classes (default: 10; with --load the checkpoint's).")
    Integer classes;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Mixin
    ServeClusterOptions cluster = new ServeClusterOptions();

    @Option(names = "--input-mean", paramLabel = "X",
            description = "Inputs are fed as (x - mean) / std (default: 0.1307, the MNIST pixel mean; with --load the checkpoint's).")
    Float inputMean;

    @Option(names = "--input-std", paramLabel = "X", description = "See --input-mean (default: 0.3081; with --load the checkpoint's).")
    Float inputStd;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.001", description = "Adam learning rate, constant (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "Examples per training step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--linger-ms", paramLabel = "MS", defaultValue = "20",
            description = "When fewer than a batch are queued, wait this long for more before training on what is there "
                    + "(default: ${DEFAULT-VALUE}).")
    long lingerMs;

    @Option(names = "--average", paramLabel = "DECAY", defaultValue = "0.99",
            description = "Serve an exponential moving average of the weights with this decay per step; 0 serves the raw weights "
                    + "(default: ${DEFAULT-VALUE}).")
    double average;

    @Option(names = "--publish-every", paramLabel = "K", defaultValue = "10",
            description = "Publish the weights to /predict every K steps, and whenever the queue runs dry (default: ${DEFAULT-VALUE}).")
    int publishEvery;

    @Option(names = "--queue-capacity", paramLabel = "N", defaultValue = "16384",
            description = "Examples the training queue holds; a /train request that does not fit gets 429 (default: ${DEFAULT-VALUE}).")
    int queueCapacity;

    @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "16777216",
            description = "Largest request body; larger gets 413 (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-predict-rows", paramLabel = "N", defaultValue = "4096",
            description = "Most lines in one /predict request; more gets 413 (default: ${DEFAULT-VALUE}).")
    int maxPredictRows;

    @Option(names = "--http-threads", paramLabel = "N", defaultValue = "4",
            description = "Request handler threads (default: ${DEFAULT-VALUE}).")
    int httpThreads;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Close a connection whose request (line, headers and body) has not arrived whole, or whose response has"
                    + " not been read, within SECONDS: a stalled client holds a request thread no longer (default: ${DEFAULT-VALUE}).")
    int requestTimeout;

    @Option(names = "--save", paramLabel = "FILE", description = "Write a checkpoint here (atomically) at shutdown, and every --save-every steps.")
    Path save;

    @Option(names = "--save-every", paramLabel = "N", defaultValue = "0",
            description = "Also write the checkpoint every N training steps (default: ${DEFAULT-VALUE}: only at shutdown).")
    int saveEvery;

    @Option(names = "--load", paramLabel = "FILE", description = "Start from this checkpoint: its model, weights and Adam state.")
    Path load;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the initial weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the GEMM kernels (system property jitgrad.threads); default 1, so that training"
                    + " keeps to one core and the other cores answer /predict.")
    Integer threads;

    @Option(names = "--no-warmup", negatable = false,
            description = "Serve at once: no compiling of the specializations and no JIT warm-up of the request and training code"
                    + " first (GET /health answers 200 at once; the first seconds of requests are slower).")
    boolean noWarmup;

    @Override
    public Integer call() throws Exception {
        LearningRate.check(lr);
        RequestTimeLimit.apply(requestTimeout);
        OutputFile.check("--save", save);
        Threads.apply(threads == null ? 1 : threads);
        PrintWriter out = spec.commandLine().getOut();
        Checkpoint start = load == null ? null : CheckpointFile.load(load);
        ModelSpec modelSpec;
        if (start != null) {
            modelSpec = start.spec();
            model.checkAgainst(modelSpec);
            checkSame("--inputs", inputs, modelSpec.inputs(), modelSpec);
            checkSame("--classes", classes, modelSpec.classes(), modelSpec);
            if (inputMean != null && inputMean != modelSpec.norm().mean()) contradicts("--input-mean " + inputMean, modelSpec);
            if (inputStd != null && inputStd != modelSpec.norm().std()) contradicts("--input-std " + inputStd, modelSpec);
        } else {
            int in = inputs == null ? 784 : inputs, k = classes == null ? 10 : classes;
            if (in < 1) throw new IllegalArgumentException("--inputs must be >= 1, got " + in);
            if (k < 2) throw new IllegalArgumentException("--classes must be >= 2, got " + k);
            modelSpec = model.spec(in, k, new InputNorm(inputMean == null ? 0.1307f : inputMean, inputStd == null ? 0.3081f : inputStd));
        }
        ServeConfig config = new ServeConfig(bind, port, httpThreads, batch, lingerMs, queueCapacity, maxBodyBytes, maxPredictRows,
                publishEvery, saveEvery, save, !noWarmup, average);
        Sequential net = modelSpec.build(seed);
        Adam optimizer = new Adam(net.parameters(), lr);
        if (start != null) {
            Checkpoint.OptimizerRestore r = start.restoreInto(modelSpec, net, optimizer);
            out.println(f("loaded: %s (Adam state %s)", load, r == Checkpoint.OptimizerRestore.RESTORED ? "restored" : "not restored: "
                    + r.name().toLowerCase(Locale.ROOT).replace('_', ' ')));
        }
        ModelMerge merge = cluster.join(net, modelSpec.describe(), out);
        TrainingServer server = TrainingServer.startWarmingUp(config, modelSpec, net, optimizer, out,
                noWarmup ? WarmUpPlan.none() : WarmUpPlan.standard());
        server.mergeWith(merge);
        Thread hook = new Thread(() -> {
            out.println("serve: stopping: no new training data; training what is queued...");
            out.flush();
            TrainingServer.StopReport r = server.stop();
            out.println(f("serve: stopped: accepted %d, trained %s in %s, model version %d; checkpoint %s%s",
                    r.accepted(), Format.plural(r.trained(), "example"), Format.plural(r.steps(), "step"), r.modelVersion(),
                    r.checkpointWritten() ? "written to " + save.toAbsolutePath() : save == null ? "not asked for (--save)" : "NOT written",
                    r.problem() == null ? "" : "; problem: " + r.problem()));
            out.flush();
        }, "serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println(f("serve: model %s (%s parameters), Adam lr %s, batch %d, serving %s", modelSpec.describe(),
                Format.count(modelSpec.parameterCount()), lr, batch,
                average > 0 ? f("an average of the weights (decay %s)", average) : "the raw weights"));
        out.println(f("serve: listening on %s  (POST /train, POST /predict, GET /metrics, GET /health; Ctrl-C or SIGTERM to stop)%s",
                server.uri(), noWarmup ? "" : "; warming up, GET /health answers 503 until ready"));
        out.flush();
        server.awaitStopped();
        return 0;
    }

    private static void checkSame(String option, Integer given, int actual, ModelSpec spec) {
        if (given != null && given != actual) contradicts(option + " " + given, spec);
    }

    private static void contradicts(String what, ModelSpec spec) {
        throw new IllegalArgumentException(what + " contradicts the checkpoint's model " + spec.describe() + " (leave it out)");
    }
}
