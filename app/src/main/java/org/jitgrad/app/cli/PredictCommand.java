package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointException;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.data.InputFile;
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

    @Option(names = "--labels", paramLabel = "FILE",
            description = "The IDX labels for --images (one per image), to print beside the predictions.")
    Path labels;

    /** Images classified when {@code --count} is not given (or all of them if the file has fewer). */
    static final int DEFAULT_COUNT = 5;

    @Option(names = {"-n", "--count"}, paramLabel = "N",
            description = "How many images of --images to classify, from the first; at most the file's count (default: "
                    + DEFAULT_COUNT + ", or all if the file has fewer).")
    Integer count;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (input.png != null) {
            if (labels != null) throw new IllegalArgumentException("--labels goes with --images, not with --png");
            if (count != null) throw new IllegalArgumentException("--count goes with --images, not with --png");
            InputFile.check(input.png, "image", "an image");
        } else {
            if (count != null && count < 1) throw new IllegalArgumentException("--count must be >= 1, got " + count);
            InputFile.check(input.images, "IDX file", "an IDX file");
            if (labels != null) InputFile.check(labels, "IDX file", "an IDX file");
        }
        Checkpoint c = CheckpointFile.load(checkpoint);
        ModelSpec modelSpec = c.spec();
        if (input.png != null) {
            int side = (int) Math.round(Math.sqrt(modelSpec.inputs()));
            if (side * side != modelSpec.inputs()) {
                throw new IllegalArgumentException(f("the model takes %d inputs, not a square image", modelSpec.inputs()));
            }
            float[] pixels = DigitImage.read(input.png, side);
            Predictor predictor = predictor(c);
            out.println(f("checkpoint: %s, model %s", checkpoint, modelSpec.describe()));
            print(out, input.png.getFileName().toString(), predictor.logits(pixels, 1, pixels.length), 0, modelSpec.classes(), -1);
        } else {
            MnistIdx.Images images = MnistIdx.readImages(input.images);
            if (images.pixelsPerImage() != modelSpec.inputs()) {
                throw new IllegalArgumentException(f("%s has images of %dx%d = %d pixels but the model takes %d inputs", input.images,
                        images.rows(), images.columns(), images.pixelsPerImage(), modelSpec.inputs()));
            }
            int[] truth = labels == null ? null : MnistIdx.readLabels(labels);
            if (truth != null && truth.length != images.count()) {
                throw new IllegalArgumentException(f("--labels %s has %s labels but --images %s has %s images", labels,
                        Format.count(truth.length), input.images, Format.count(images.count())));
            }
            if (count != null && count > images.count()) {
                throw new IllegalArgumentException(f("--count %s is more than the %s images in %s", Format.count(count),
                        Format.count(images.count()), input.images));
            }
            int n = count != null ? count : Math.min(DEFAULT_COUNT, images.count());
            Predictor predictor = predictor(c);
            out.println(f("checkpoint: %s, model %s", checkpoint, modelSpec.describe()));
            float[] pixels = new float[n * images.pixelsPerImage()];
            System.arraycopy(images.pixels(), 0, pixels, 0, pixels.length);
            float[] logits = predictor.logits(pixels, n, images.pixelsPerImage());
            for (int i = 0; i < n; i++) {
                print(out, "image " + i, logits, i * modelSpec.classes(), modelSpec.classes(), truth != null ? truth[i] : -1);
            }
        }
        out.flush();
        return 0;
    }

    /** The checkpoint's network, restored, behind the compiled forward pass. */
    private static Predictor predictor(Checkpoint c) throws CheckpointException {
        Sequential net = c.spec().build(0);
        c.restoreInto(c.spec(), net, null);
        return new Predictor(net, c.spec().norm(), Engine.COMPILED);
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
