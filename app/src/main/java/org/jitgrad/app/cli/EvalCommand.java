package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.data.Datasets;
import org.jitgrad.app.model.Engine;
import org.jitgrad.app.model.Predictor;
import org.jitgrad.data.Dataset;
import org.jitgrad.nn.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jitgrad eval}. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure a checkpoint's accuracy on a data set (by default the one it was trained on, test split).")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint written by 'train --save'.")
    Path checkpoint;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--split", paramLabel = "test|train", defaultValue = "test", description = "Which part to evaluate (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--engine", paramLabel = "compiled|tape", defaultValue = "compiled",
            description = "Compiled forward pass, or the tape under NoGrad (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean train = switch (split.toLowerCase(Locale.ROOT)) {
            case "test" -> false;
            case "train" -> true;
            default -> throw new IllegalArgumentException("--split must be test or train, got " + split);
        };
        Checkpoint c = CheckpointFile.load(checkpoint);
        // Only the split evaluated is read: the checkpoint holds the input standardization the training set gave.
        Datasets.Part set = data.loadPart(data.name(TrainCommand.datasetOf(c)), train);
        TrainCommand.checkFits(c.spec(), set.data(), set.name());
        Dataset part = set.data();
        Sequential net = c.spec().build(0);
        c.restoreInto(c.spec(), net, null);
        long t0 = System.nanoTime();
        double accuracy = new Predictor(net, c.spec().norm(), engine).accuracy(part);
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.println(f("checkpoint: %s, model %s, %s trained on %s", checkpoint, c.spec().describe(), Format.plural(c.epochs(), "epoch"),
                c.dataset().isEmpty() ? "?" : c.dataset()));
        out.println(f("%s %s accuracy: %s (%d/%d) in %.2f s", set.name(), split.toLowerCase(Locale.ROOT), Format.percent(accuracy),
                Math.round(accuracy * part.size()), part.size(), seconds));
        out.flush();
        return 0;
    }
}
