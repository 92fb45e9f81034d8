package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.cluster.TrainingSync;
import org.jitgrad.app.data.DatasetName;
import org.jitgrad.app.data.Datasets;
import org.jitgrad.app.model.Engine;
import org.jitgrad.app.model.ModelKind;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.model.OptimizerKind;
import org.jitgrad.app.model.Predictor;
import org.jitgrad.app.model.TrainStep;
import org.jitgrad.app.plot.TrainingHistory;
import org.jitgrad.app.plot.TrainingPlot;
import org.jitgrad.app.progress.Progress;
import org.jitgrad.app.progress.ProgressMode;
import org.jitgrad.data.Batch;
import org.jitgrad.data.BatchIterator;
import org.jitgrad.data.Dataset;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Optimizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jitgrad train}. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an MLP or a LeNet-5-style CNN classifier, printing progress, per-epoch train loss and test accuracy.",
                "Defaults: MNIST, 784-256-128-10 relu, batch 64, Adam lr 0.001 x" + ModelKind.MLP_LR_DECAY + " per epoch, "
                        + ModelKind.MLP_EPOCHS + " epochs, compiled engine;",
                "with --model cnn the LeNet (400-120-84-10 after the convolutions), " + ModelKind.CNN_EPOCHS + " epochs, lr x"
                        + ModelKind.CNN_LR_DECAY + " per epoch."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    ModelOptions model = new ModelOptions();

    @Mixin
    TrainClusterOptions cluster = new TrainClusterOptions();

    private TrainingSync sync = TrainingSync.ALONE;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Passes over the training set (default: " + ModelKind.MLP_EPOCHS + " for the mlp, " + ModelKind.CNN_EPOCHS
                    + " for the cnn).")
    Integer epochsOption;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64",
            description = "Examples per step (default: ${DEFAULT-VALUE}); the last, smaller batch of an epoch is used too.")
    int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.001", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--lr-decay", paramLabel = "FACTOR",
            description = "Multiply the learning rate by this after each epoch; 1 keeps it constant (default: " + ModelKind.MLP_LR_DECAY
                    + " for the mlp, " + ModelKind.CNN_LR_DECAY + " for the cnn).")
    Float lrDecayOption;

    @Option(names = "--optimizer", paramLabel = "sgd|adam", defaultValue = "adam",
            description = "adam, or sgd with momentum 0.9 (default: ${DEFAULT-VALUE}).")
    OptimizerKind optimizer;

    @Option(names = "--engine", paramLabel = "compiled|tape", defaultValue = "compiled",
            description = "compiled: generated code with the optimizer fused in; tape: the eager tape (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the initial weights and the shuffles (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the GEMM kernels (sets the system property jitgrad.threads before the kernels load).")
    Integer threads;

    @Option(names = "--save", paramLabel = "FILE", description = "Write a checkpoint after every epoch (atomically) to FILE.")
    Path save;

    @Option(names = "--load", paramLabel = "FILE",
            description = "Start from this checkpoint: its model, weights and, if the optimizer kind matches, optimizer state.")
    Path load;

    @Option(names = "--init-from", paramLabel = "FILE.safetensors",
            description = "Start from a PyTorch nn.Sequential state dict (as 'export' writes): its shapes give the layer sizes "
                    + "unless --hidden is given; inputs are not standardized.")
    Path initFrom;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write the loss and accuracy curves to this PNG.")
    Path plot;

    @Option(names = "--progress", paramLabel = "auto|bar|plain|none", defaultValue = "auto",
            description = "Progress display: a bar on a terminal, plain lines otherwise (default: ${DEFAULT-VALUE}).")
    ProgressMode progressMode;

    @Override
    public Integer call() throws Exception {
        try {
            return train();
        } finally {
            sync.close();
        }
    }

    private Integer train() throws Exception {
        if (epochsOption != null && epochsOption < 0) throw new IllegalArgumentException("--epochs must be >= 0, got " + epochsOption);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        LearningRate.check(lr);
        if (lrDecayOption != null && !(lrDecayOption > 0f && lrDecayOption <= 1f)) {
            throw new IllegalArgumentException("--lr-decay must be in (0, 1], got " + lrDecayOption);
        }
        OutputFile.check("--save", save);
        OutputFile.check("--plot", plot);
        Threads.apply(threads);
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();

        MlpInitFrom init = MlpInitFrom.read(initFrom, load);
        Checkpoint start = load == null ? null : CheckpointFile.load(load);
        DatasetName name = data.name(start == null ? null : datasetOf(start));
        Datasets.TrainTest sets = data.load(name);
        out.println(f("data: %s, %s training and %s test examples of %d features, from %s", sets.name(),
                Format.count(sets.train().size()), Format.count(sets.test().size()), sets.train().featureCount(), sets.source()));

        ModelSpec modelSpec;
        if (start != null) {
            modelSpec = start.spec();
            model.checkAgainst(modelSpec);
        } else if (init != null) {
            modelSpec = init.spec(model, sets.train());
        } else {
            modelSpec = model.spec(sets.train());
        }
        checkFits(modelSpec, sets);
        int epochs = epochsOption != null ? epochsOption : modelSpec.kind().defaultEpochs();
        float lrDecay = lrDecayOption != null ? lrDecayOption : modelSpec.kind().defaultLrDecay();
        Sequential net = modelSpec.build(seed);
        if (init != null) init.loadInto(net, modelSpec, out);
        Optimizer opt = optimizer.create(net.parameters(), lr);
        int doneEpochs = 0;
        if (start != null) {
            Checkpoint.OptimizerRestore r = start.restoreInto(modelSpec, net, opt);
            doneEpochs = start.epochs();
            out.println(f("loaded: %s (%s trained; optimizer state %s)", load, Format.plural(doneEpochs, "epoch"), switch (r) {
                case RESTORED -> "restored";
                case NONE_SAVED -> "not in the checkpoint";
                case DIFFERENT_KIND -> "not restored: the checkpoint's is " + start.optimizer().kind().name().toLowerCase(Locale.ROOT);
                case NO_OPTIMIZER -> "not used";
            }));
        }
        out.println(f("model: %s (%s parameters); %s lr %s%s, batch %d, %s, engine %s, seed %d", modelSpec.describe(),
                Format.count(modelSpec.parameterCount()), optimizer.name().toLowerCase(Locale.ROOT), lr,
                lrDecay == 1f ? "" : f(" (x%s per epoch)", lrDecay), batch, Format.plural(epochs, "epoch"),
                engine.name().toLowerCase(Locale.ROOT), seed));

        sync = cluster.join(net, f("%s; %s, %d training examples, batch %d, seed %d, %s lr %s x%s per epoch, %d epochs", modelSpec.describe(),
                sets.name(), sets.train().size(), batch, seed, optimizer, lr, lrDecay, epochs), sets.train().size(), batch, out);
        TrainStep step = new TrainStep(engine, net, opt, modelSpec.norm(), sync.gradientExchange());
        Predictor predictor = new Predictor(net, modelSpec.norm(), engine);
        BatchIterator batches = BatchIterator.shuffled(sets.train(), batch, seed, false);
        Progress progress = new Progress(out, progressMode);
        TrainingHistory history = new TrainingHistory();
        long trainNanos = 0, evalNanos = 0, totalExamples = 0;
        double accuracy = Double.NaN;
        int featureCount = sets.train().featureCount();
        for (int e = 0; e < epochs; e++) {
            // Step decay: epoch k (counting those of a loaded checkpoint) uses lr * decay^k.
            opt.setLearningRate((float) (lr * Math.pow(lrDecay, doneEpochs + e)));
            int stepsPerEpoch = batches.batchesPerEpoch();
            progress.startEpoch(e + 1, epochs, stepsPerEpoch);
            long epochStart = System.nanoTime();
            double lossSum = 0;
            long examples = 0;
            int done = 0;
            for (Batch b : batches.epoch(doneEpochs + e)) {
                TrainingSync.Rows mine = sync.mine(b);
                float loss = step.step(mine.features(), mine.labels(), mine.size(), featureCount);
                if (!Float.isFinite(loss)) {
                    progress.endEpoch();
                    throw new IllegalStateException(f("the loss became %s at epoch %d step %d; try a smaller --lr", loss, e + 1, done + 1));
                }
                sync.afterStep(mine.size());
                lossSum += (double) loss * mine.size();
                examples += mine.size();
                history.step(loss);
                progress.update(++done, loss);
            }
            progress.endEpoch();
            sync.endEpoch();
            totalExamples += examples;
            long epochTrain = System.nanoTime() - epochStart;
            trainNanos += epochTrain;
            long evalStart = System.nanoTime();
            accuracy = predictor.accuracy(sets.test());
            evalNanos += System.nanoTime() - evalStart;
            double trainLoss = lossSum / examples;
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            history.epoch(doneEpochs + e + 1, trainLoss, accuracy, seconds);
            out.println(f("epoch %d/%d: train loss %.4f, test accuracy %s (%d/%d), %.1f s (%.1f steps/s)", e + 1, epochs,
                    trainLoss, Format.percent(accuracy), Math.round(accuracy * sets.test().size()), sets.test().size(),
                    seconds, done / (epochTrain / 1e9)));
            if (save != null) {
                CheckpointFile.save(save, Checkpoint.capture(modelSpec, net, opt, doneEpochs + e + 1, sets.name()));
            }
            out.flush();
        }
        if (epochs == 0 && save != null) {
            CheckpointFile.save(save, Checkpoint.capture(modelSpec, net, opt, doneEpochs, sets.name()));
        }

        double total = (System.nanoTime() - t0) / 1e9;
        double train = trainNanos / 1e9;
        long steps = history.steps();
        out.println(f("done: %s, %s in %.1f s total (training %.1f s, evaluation %.1f s, loading and setup %.1f s)",
                Format.plural(epochs, "epoch"), Format.count(steps, "step"), total, train, evalNanos / 1e9, total - train - evalNanos / 1e9));
        if (steps > 0) {
            out.println(f("throughput: %.1f steps/s, %s examples/s (engine %s%s)", steps / train,
                    Format.count(Math.round(totalExamples / train)),
                    engine.name().toLowerCase(Locale.ROOT),
                    engine == Engine.COMPILED ? f(", %d compiled specialization%s", step.compileCount(),
                            step.compileCount() == 1 ? "" : "s") : ""));
            out.println(f("final test accuracy: %s", Format.percent(accuracy)));
        }
        for (String line : sync.summary()) out.println(line);
        if (save != null) {
            out.println(f("checkpoint: %s (%s)", save.toAbsolutePath(), Format.bytes(Files.size(save))));
        } else {
            out.println("checkpoint: not saved (add --save FILE)");
        }
        if (plot != null) {
            TrainingPlot.write(plot, history, f("JitGrad %s on %s (%s, %s)", modelSpec.describe(), sets.name(),
                    optimizer.name().toLowerCase(Locale.ROOT), engine.name().toLowerCase(Locale.ROOT)));
            out.println(f("plot: %s", plot.toAbsolutePath()));
        } else {
            out.println("plot: not written (add --plot FILE.png)");
        }
        out.flush();
        return 0;
    }

    static DatasetName datasetOf(Checkpoint c) {
        try {
            return c.dataset().isEmpty() ? null : DatasetName.valueOf(c.dataset().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static void checkFits(ModelSpec spec, Datasets.TrainTest sets) {
        checkFits(spec, sets.train(), sets.name());
    }

    /** Fails unless the model takes {@code data}'s features and has an output for each of its classes. */
    static void checkFits(ModelSpec spec, Dataset data, String name) {
        if (spec.inputs() != data.featureCount()) {
            throw new IllegalArgumentException(f("the model takes %d inputs but %s has %d features per example", spec.inputs(),
                    name, data.featureCount()));
        }
        if (spec.classes() < data.classCount()) {
            throw new IllegalArgumentException(f("the model has %d outputs but %s has %d classes", spec.classes(), name,
                    data.classCount()));
        }
    }
}
