package org.jitgrad.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.cli.CliEndToEndTest.Run;
import org.jitgrad.app.data.DataRoot;
import org.jitgrad.app.data.DatasetName;
import org.jitgrad.app.data.Datasets;
import org.jitgrad.app.model.Engine;
import org.jitgrad.app.model.ModelKind;
import org.jitgrad.app.model.Predictor;
import org.jitgrad.data.Dataset;
import org.jitgrad.data.MnistIdx;
import org.jitgrad.nn.Sequential;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --model cnn} on a slice of MNIST (the first 1,024 training and 200 test images of the bundled files,
 * written as IDX files for {@code --data}): the loss falls, the checkpoint records the kind and round-trips, and
 * {@code eval} and {@code predict} use it.
 */
class CnnCliTest {
    static final int TRAIN = 1024, TEST = 200;

    @TempDir
    static Path dir;
    static Path slice;

    @BeforeAll
    static void writeSlice() throws IOException {
        slice = Files.createDirectories(dir.resolve("mnist-slice"));
        Path mnist = DataRoot.resolve(null).resolve("mnist");
        copy(mnist, Datasets.TRAIN_IMAGES, Datasets.TRAIN_LABELS, TRAIN);
        copy(mnist, Datasets.TEST_IMAGES, Datasets.TEST_LABELS, TEST);
    }

    /** The first {@code n} images and labels of a bundled IDX pair, as uncompressed IDX files in {@link #slice}. */
    private static void copy(Path mnist, String images, String labels, int n) throws IOException {
        MnistIdx.Images all = MnistIdx.readImages(mnist.resolve(images + ".gz"));
        int[] allLabels = MnistIdx.readLabels(mnist.resolve(labels + ".gz"));
        try (OutputStream f = Files.newOutputStream(slice.resolve(images)); DataOutputStream out = new DataOutputStream(f)) {
            out.writeInt(MnistIdx.IMAGES_MAGIC);
            out.writeInt(n);
            out.writeInt(all.rows());
            out.writeInt(all.columns());
            for (int i = 0; i < n * all.pixelsPerImage(); i++) out.writeByte(Math.round(all.pixels()[i] * 255));
        }
        try (OutputStream f = Files.newOutputStream(slice.resolve(labels)); DataOutputStream out = new DataOutputStream(f)) {
            out.writeInt(MnistIdx.LABELS_MAGIC);
            out.writeInt(n);
            for (int i = 0; i < n; i++) out.writeByte(allLabels[i]);
        }
    }

    private static double[] lossAndAccuracy(String epochLine) {
        Matcher m = Pattern.compile("train loss (\\d+\\.\\d+), test accuracy (\\d+\\.\\d+)%").matcher(epochLine);
        assertTrue(m.find(), epochLine);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)) / 100};
    }

    private static float[] logits(Path ckpt, Dataset data, Engine engine) throws IOException {
        Checkpoint c = CheckpointFile.load(ckpt);
        Sequential net = c.spec().build(123);
        c.restoreInto(c.spec(), net, null);
        return new Predictor(net, c.spec().norm(), engine).logits(data.features(), data.size(), data.featureCount());
    }

    @Test
    void trainSaveEvalPredictAndResume() throws IOException {
        Path ckpt = dir.resolve("cnn.ckpt");
        Run train = CliEndToEndTest.run("train", "--model", "cnn", "--data", slice.toString(), "--epochs", "3", "--seed", "3",
                "--lr", "0.003", "--save", ckpt.toString(), "--progress", "none");
        assertEquals(0, train.code(), train.err());
        List<String> lines = train.lines();
        assertTrue(lines.get(1).startsWith("model: cnn 28x28 (conv 5x5 6, pool 2, conv 5x5 16, pool 2) 400-120-84-10 relu, "
                + "inputs standardized"), lines.get(1));
        assertTrue(lines.get(1).contains("(61,706 parameters); adam lr 0.003 (x0.7 per epoch), batch 64, 3 epochs, engine compiled"),
                lines.get(1));
        List<double[]> epochs = lines.stream().filter(l -> l.matches("epoch \\d/3: .*")).map(CnnCliTest::lossAndAccuracy).toList();
        assertEquals(3, epochs.size(), train.out());
        assertTrue(epochs.get(1)[0] < epochs.get(0)[0] && epochs.get(2)[0] < epochs.get(1)[0],
                "the train loss should fall every epoch: " + train.out());
        double accuracy = epochs.get(2)[1];
        assertTrue(accuracy > 0.8, "test accuracy after 3 epochs on 1,024 images: " + accuracy);
        assertTrue(train.out().contains("final test accuracy: "), train.out());

        Checkpoint saved = CheckpointFile.load(ckpt);
        assertEquals(ModelKind.CNN, saved.spec().kind());
        assertEquals(3, saved.epochs());

        // eval reproduces the accuracy with both engines, which give the same logits.
        for (String engine : new String[] {"compiled", "tape"}) {
            Run eval = CliEndToEndTest.run("eval", ckpt.toString(), "--data", slice.toString(), "--engine", engine);
            assertEquals(0, eval.code(), eval.err());
            assertTrue(eval.lines().get(0).contains("model cnn 28x28"), eval.out());
            String line = eval.lines().get(1);
            assertTrue(line.startsWith("mnist test accuracy: " + Format.percent(accuracy) + " ("), line);
        }
        // eval reads only the split it evaluates: a folder with the test files alone is enough for the test split.
        Path testOnly = Files.createDirectories(dir.resolve("test-only"));
        for (String f : new String[] {Datasets.TEST_IMAGES, Datasets.TEST_LABELS}) Files.copy(slice.resolve(f), testOnly.resolve(f));
        Run evalTestOnly = CliEndToEndTest.run("eval", ckpt.toString(), "--data", testOnly.toString());
        assertEquals(0, evalTestOnly.code(), evalTestOnly.err());
        assertTrue(evalTestOnly.lines().get(1).startsWith("mnist test accuracy: " + Format.percent(accuracy) + " ("), evalTestOnly.out());
        Run evalTrainSplit = CliEndToEndTest.run("eval", ckpt.toString(), "--data", testOnly.toString(), "--split", "train");
        assertEquals("error: " + testOnly.resolve(Datasets.TRAIN_IMAGES) + "[.gz]: IDX file not found", evalTrainSplit.err().strip());
        Run trainSplit = CliEndToEndTest.run("eval", ckpt.toString(), "--data", slice.toString(), "--split", "train");
        assertTrue(trainSplit.lines().get(1).startsWith("mnist train accuracy: "), trainSplit.out());
        assertTrue(trainSplit.lines().get(1).contains("/" + TRAIN + ") in "), trainSplit.out());

        Dataset test = Datasets.load(DatasetName.MNIST, null, slice).test();
        float[] compiled = logits(ckpt, test, Engine.COMPILED);
        assertArrayEquals(compiled, logits(ckpt, test, Engine.TAPE), 1e-4f);

        // Round trip: loading and saving again keeps every weight and Adam array, and the predictions. (Not the same bytes:
        // the saved learning rate is the run's, the decayed one of epoch 3 in the first file.)
        Path again = dir.resolve("again.ckpt");
        Run resave = CliEndToEndTest.run("train", "--load", ckpt.toString(), "--data", slice.toString(), "--epochs", "0",
                "--save", again.toString());
        assertEquals(0, resave.code(), resave.err());
        assertTrue(resave.out().contains("optimizer state restored"), resave.out());
        Checkpoint reread = CheckpointFile.load(again);
        assertEquals(saved.spec(), reread.spec());
        assertEquals(saved.optimizer().stepCount(), reread.optimizer().stepCount());
        for (int i = 0; i < saved.parameters().size(); i++) {
            assertArrayEquals(saved.parameters().get(i).values(), reread.parameters().get(i).values());
        }
        for (int i = 0; i < saved.optimizer().arrays().size(); i++) {
            assertArrayEquals(saved.optimizer().arrays().get(i).values(), reread.optimizer().arrays().get(i).values());
        }
        assertArrayEquals(compiled, logits(again, test, Engine.COMPILED));

        // predict classifies IDX images as the logits say.
        Run predict = CliEndToEndTest.run("predict", ckpt.toString(), "--images", slice.resolve(Datasets.TEST_IMAGES).toString(),
                "--labels", slice.resolve(Datasets.TEST_LABELS).toString(), "-n", "3");
        assertEquals(0, predict.code(), predict.err());
        for (int i = 0; i < 3; i++) {
            int expected = Predictor.argmax(compiled, i * 10, 10);
            assertTrue(predict.out().contains("image " + i + ": class " + expected + " ("), predict.out());
        }
        // export takes mlp and gpt checkpoints only, and says so.
        Run export = CliEndToEndTest.run("export", ckpt.toString(), "--safetensors", dir.resolve("cnn.safetensors").toString());
        assertEquals(1, export.code());
        assertEquals("error: " + ckpt + ": export supports mlp and gpt checkpoints, not cnn", export.err().strip());
        assertFalse(Files.exists(dir.resolve("cnn.safetensors")));
        // Labels that are not the images' (the training labels), and more images than the file has, are refused.
        Path testImages = slice.resolve(Datasets.TEST_IMAGES), trainLabels = slice.resolve(Datasets.TRAIN_LABELS);
        Run wrongLabels = CliEndToEndTest.run("predict", ckpt.toString(), "--images", testImages.toString(), "--labels",
                trainLabels.toString(), "-n", "2");
        assertEquals(1, wrongLabels.code());
        assertEquals("error: --labels " + trainLabels + " has 1,024 labels but --images " + testImages + " has 200 images",
                wrongLabels.err().strip());
        assertEquals("", wrongLabels.out());
        Run tooMany = CliEndToEndTest.run("predict", ckpt.toString(), "--images", testImages.toString(), "-n", "201");
        assertEquals(1, tooMany.code());
        assertEquals("error: --count 201 is more than the 200 images in " + testImages, tooMany.err().strip());
        Run all = CliEndToEndTest.run("predict", ckpt.toString(), "--images", testImages.toString(), "-n", "200");
        assertEquals(0, all.code(), all.err());
        assertTrue(all.out().contains("image 199: class "), all.out());

        // Options that contradict the checkpoint's kind are refused; without them training resumes as a cnn.
        Run asMlp = CliEndToEndTest.run("train", "--load", ckpt.toString(), "--data", slice.toString(), "--model", "mlp");
        assertEquals(1, asMlp.code());
        assertTrue(asMlp.err().contains("--model mlp contradicts the checkpoint's model cnn 28x28"), asMlp.err());
        Run resume = CliEndToEndTest.run("train", "--load", ckpt.toString(), "--data", slice.toString(), "--epochs", "1",
                "--lr", "0.003", "--engine", "tape", "--progress", "none");
        assertEquals(0, resume.code(), resume.err());
        assertTrue(resume.out().contains("(x0.7 per epoch), batch 64, 1 epoch, engine tape"), resume.out());
    }

    @Test
    void benchRunsTheCnnOnBothEngines() {
        Run r = CliEndToEndTest.run("bench", "--model", "cnn", "--data", slice.toString(), "--warmup", "2", "--steps", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("bench: cnn 28x28 (conv 5x5 6, pool 2, conv 5x5 16, pool 2) 400-120-84-10 relu"), r.out());
        assertTrue(r.out().matches("(?s).*  tape +\\d+\\.\\d steps/s.*  compiled +\\d+\\.\\d steps/s.*"), r.out());
    }

    @Test
    void aCnnNeedsTwentyEightByTwentyEightImages() {
        Run r = CliEndToEndTest.run("train", "--model", "cnn", "--dataset", "digits", "--epochs", "1");
        assertEquals(1, r.code());
        assertEquals("error: a cnn takes 28x28 images (784 inputs), got 64 inputs", r.err().strip());
    }
}
