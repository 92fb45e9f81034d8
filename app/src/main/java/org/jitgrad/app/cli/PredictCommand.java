package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.image.DigitImage;
import org.jitgrad.app.model.Engine;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.model.Predictor;
import org.jitgrad.data.MnistIdx;
import org.jitgrad.nn.Sequential;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jitgrad predict}. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify images with a checkpoint: print each one's class and the probability of every class.",
                "A PNG is scaled to the model's input (28x28 for MNIST) in grey; dark ink on a light background is inverted "
                        + "to MNIST's white digit on black."})
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint written by 'train --save'.")
    Path checkpoint;

    static final class Input {
        @Option(names = "--png", paramLabel = "FILE", description = "An image of one digit (PNG, or any format ImageIO reads).")
        Path png;

        @Option(names = "--images", paramLabel = "FILE", description = "An IDX images file (e.g. data/mnist/t10k-images-idx3-ubyte.gz).")
        Path images;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--labels", paramLabel = "FILE", description = "The IDX labels for --images, to print beside the predictions.")
    Path labels;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "5",
            description = "How many images of --images to classify, from the first (default: ${DEFAULT-VALUE}).")
    int count;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Checkpoint c = CheckpointFile.load(checkpoint);
        ModelSpec modelSpec = c.spec();
        Sequential net = modelSpec.build(0);
        c.restoreInto(modelSpec, net, null);
        Predictor predictor = new Predictor(net, modelSpec.norm(), Engine.COMPILED);
        out.println(f("checkpoint: %s, model %s", checkpoint, modelSpec.describe()));
        if (input.png != null) {
            int side = (int) Math.round(Math.sqrt(modelSpec.inputs()));
            if (side * side != modelSpec.inputs()) {
                throw new IllegalArgumentException(f("the model takes %d inputs, not a square image", modelSpec.inputs()));
            }
            float[] pixels = DigitImage.read(input.png, side);
            print(out, input.png.getFileName().toString(), predictor.logits(pixels, 1, pixels.length), 0, modelSpec.classes(), -1);
        } else {
            if (count < 1) throw new IllegalArgumentException("--count must be >= 1, got " + count);
            MnistIdx.Images images = MnistIdx.readImages(input.images);
            if (images.pixelsPerImage() != modelSpec.inputs()) {
                throw new IllegalArgumentException(f("%s has images of %dx%d = %d pixels but the model takes %d inputs", input.images,
                        images.rows(), images.columns(), images.pixelsPerImage(), modelSpec.inputs()));
            }
            int[] truth = labels == null ? null : MnistIdx.readLabels(labels);
            int n = Math.min(count, images.count());
            float[] pixels = new float[n * images.pixelsPerImage()];
            System.arraycopy(images.pixels(), 0, pixels, 0, pixels.length);
            float[] logits = predictor.logits(pixels, n, images.pixelsPerImage());
            for (int i = 0; i < n; i++) {
                print(out, "image " + i, logits, i * modelSpec.classes(), modelSpec.classes(),
                        truth != null && i < truth.length ? truth[i] : -1);
            }
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, String what, float[] logits, int from, int classes, int label) {
        double[] p = Predictor.softmax(logits, from, classes);
        int best = Predictor.argmax(logits, from, classes);
        StringBuilder sb = new StringBuilder(f("%s: class %d (%.1f%%)", what, best, 100 * p[best]));
        if (label >= 0) sb.append(label == best ? f(", label %d", label) : f(", label %d: WRONG", label));
        sb.append("\n  probabilities:");
        for (int k = 0; k < classes; k++) sb.append(f(" %d=%.3f", k, p[k]));
        out.println(sb);
    }
}
