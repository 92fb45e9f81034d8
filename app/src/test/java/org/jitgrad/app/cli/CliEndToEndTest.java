package org.jitgrad.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jitgrad.app.Main;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.data.DataRoot;
import org.jitgrad.app.data.DatasetName;
import org.jitgrad.app.data.Datasets;
import org.jitgrad.app.model.Engine;
import org.jitgrad.app.model.Predictor;
import org.jitgrad.data.Dataset;
import org.jitgrad.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI run in-process through picocli on the bundled digits data, as a user would run it. */
class CliEndToEndTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        List<String> lines() { return out.lines().toList(); }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static double accuracy(String line) {
        Matcher m = Pattern.compile("accuracy:? (\\d+\\.\\d+)%").matcher(line);
        assertTrue(m.find(), line);
        return Double.parseDouble(m.group(1)) / 100;
    }

    @Test
    void trainOneEpochSaveEvalPredictAndPlot() throws IOException {
        Path ckpt = dir.resolve("digits.ckpt");
        Path png = dir.resolve("curves.png");
        Run train = run("train", "--dataset", "digits", "--epochs", "1", "--seed", "7", "--lr", "0.003", "--lr-decay", "1",
                "--save", ckpt.toString(), "--plot", png.toString(), "--progress", "plain");
        assertEquals(0, train.code(), train.err());
        List<String> lines = train.lines();
        assertTrue(lines.get(0).startsWith("data: digits, 1,438 training and 359 test examples of 64 features"), lines.get(0));
        assertTrue(lines.get(1).startsWith("model: 64-256-128-10 relu, inputs standardized"), lines.get(1));
        assertTrue(lines.get(1).contains("adam lr 0.003, batch 64, 1 epoch, engine compiled, seed 7"), lines.get(1));
        // Plain progress: one line per tenth of the 23 steps (22 full batches and a last one of 30).
        List<String> progress = lines.stream().filter(l -> l.startsWith("epoch 1/1 ")).toList();
        assertEquals(10, progress.size(), train.out());
        assertTrue(progress.get(9).contains("23/23 steps"), progress.get(9));
        assertTrue(progress.get(9).matches(".*steps/s +loss \\d\\.\\d{4} +ETA 0:00"), progress.get(9));
        String epoch = lines.stream().filter(l -> l.startsWith("epoch 1/1: ")).findFirst().orElseThrow();
        assertTrue(epoch.matches("epoch 1/1: train loss \\d\\.\\d{4}, test accuracy \\d+\\.\\d\\d% \\(\\d+/359\\), .*"), epoch);
        double trainAccuracy = accuracy(epoch);
        assertTrue(trainAccuracy > 0.85, "accuracy after one epoch: " + trainAccuracy);
        assertTrue(train.out().contains("done: 1 epoch, 23 steps in "), train.out());
        // 23 steps of 64 and a last batch of 30: one program for every batch size
        assertTrue(train.out().contains("engine compiled, 1 compiled specialization)"), train.out());
        assertTrue(train.out().contains("checkpoint: " + ckpt.toAbsolutePath()), train.out());
        assertTrue(train.out().contains("plot: " + png.toAbsolutePath()), train.out());

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1000, image.getWidth());
        assertEquals(720, image.getHeight());

        // eval reproduces the accuracy from the checkpoint, with both engines.
        for (String engine : new String[] {"compiled", "tape"}) {
            Run eval = run("eval", ckpt.toString(), "--engine", engine);
            assertEquals(0, eval.code(), eval.err());
            String line = eval.lines().get(1);
            assertTrue(line.startsWith("digits test accuracy: "), line);
            assertEquals(trainAccuracy, accuracy(line), 1e-9);
        }

        // Round trip: loading and saving again gives the same bytes, and identical predictions.
        Path again = dir.resolve("again.ckpt");
        Run resave = run("train", "--load", ckpt.toString(), "--epochs", "0", "--lr", "0.003", "--save",
                again.toString());
        assertEquals(0, resave.code(), resave.err());
        assertTrue(resave.out().contains("loaded: " + ckpt + " (1 epoch trained; optimizer state restored)"), resave.out());
        assertArrayEquals(Files.readAllBytes(ckpt), Files.readAllBytes(again));
        Dataset test = Datasets.load(DatasetName.DIGITS, DataRoot.resolve(null), null).test();
        assertArrayEquals(logits(ckpt, test, Engine.COMPILED), logits(again, test, Engine.COMPILED));
        assertArrayEquals(logits(ckpt, test, Engine.COMPILED), logits(ckpt, test, Engine.TAPE));

        // Continue training from the checkpoint for one more epoch.
        Run resume = run("train", "--load", ckpt.toString(), "--epochs", "1", "--lr", "0.003", "--save", ckpt.toString(),
                "--progress", "none");
        assertEquals(0, resume.code(), resume.err());
        assertEquals(2, CheckpointFile.load(ckpt).epochs());
    }

    private static float[] logits(Path ckpt, Dataset data, Engine engine) throws IOException {
        Checkpoint c = CheckpointFile.load(ckpt);
        Sequential net = c.spec().build(123);
        c.restoreInto(c.spec(), net, null);
        return new Predictor(net, c.spec().norm(), engine).logits(data.features(), data.size(), data.featureCount());
    }

    @Test
    void predictAPngOfADigit() throws IOException {
        Path ckpt = dir.resolve("tape.ckpt");
        Run train = run("train", "--dataset", "digits", "--epochs", "2", "--lr", "0.003", "--engine", "tape", "--hidden", "64",
                "--save", ckpt.toString(), "--progress", "none");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("model: 64-64-10 relu"), train.out());
        Dataset test = Datasets.load(DatasetName.DIGITS, DataRoot.resolve(null), null).test();
        // The first test digit drawn as dark ink on white paper, 10x larger: predict must invert and shrink it.
        BufferedImage img = new BufferedImage(80, 80, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 80; x++) {
                int v = 255 - Math.round(255 * test.feature(0, (y / 10) * 8 + x / 10));
                img.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        Path png = dir.resolve("digit.png");
        ImageIO.write(img, "png", png.toFile());
        float[] direct = logits(ckpt, test.slice(0, 1), Engine.COMPILED);
        int expected = Predictor.argmax(direct, 0, 10);
        Run predict = run("predict", ckpt.toString(), "--png", png.toString());
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.lines().get(1).startsWith("digit.png: class " + expected + " ("), predict.out());
        assertTrue(predict.lines().get(2).matches(" +probabilities:( \\d=\\d\\.\\d{3}){10}"), predict.out());
    }

    @Test
    void helpEverywhereAndErrors() {
        for (String[] args : new String[][] {{"--help"}, {"train", "--help"}, {"eval", "--help"}, {"predict", "--help"},
                {"bench", "--help"}, {"help", "train"}}) {
            Run r = run(args);
            assertEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.out().startsWith("Usage: jitgrad"), r.out());
        }
        Run serveHelp = run("serve", "--help");
        assertTrue(serveHelp.out().replaceAll("\\s+", " ").contains("trains a classifier online (an MLP, or with --model cnn a LeNet-style CNN)"),
                serveHelp.out());
        for (String lr : new String[] {"-1", "0", "NaN", "Infinity"}) {
            Run badLr = run("train", "--dataset", "digits", "--lr", lr);
            assertEquals("error: --lr must be positive and finite, got " + Float.parseFloat(lr), badLr.err().strip());
            assertEquals("", badLr.out(), "refused before the data is loaded");
            for (String[] args : new String[][] {
                    {"bench", "--dataset", "digits", "--lr", lr},
                    {"serve", "--port", "0", "--no-warmup", "--load", dir.resolve("absent.ckpt").toString(), "--lr", lr}}) {
                Run refused = run(args);
                assertEquals(1, refused.code(), String.join(" ", args));
                assertEquals("error: --lr must be positive and finite, got " + Float.parseFloat(lr), refused.err().strip(),
                        "refused before the data or the checkpoint is read: " + String.join(" ", args));
                assertEquals("", refused.out());
            }
        }
        Run noCommand = run();
        assertEquals(2, noCommand.code());
        assertTrue(noCommand.err().contains("missing command"), noCommand.err());
        Run badOption = run("train", "--optimiser", "sgd");
        assertEquals(2, badOption.code());
        assertTrue(badOption.err().contains("Unknown options: '--optimiser', 'sgd'"), badOption.err());
        Run badEnum = run("train", "--engine", "gpu");
        assertEquals(2, badEnum.code());
        Run missing = run("eval", dir.resolve("none.ckpt").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("error: " + dir.resolve("none.ckpt") + ": checkpoint not found"), missing.err());

        // A folder where a file to read belongs is named as such, by every command.
        String none = dir.resolve("none.ckpt").toString(), folder = dir.toString();
        for (String[] args : new String[][] {{"eval", folder}, {"gpt", "sample", "--load", folder}, {"export", folder, "--safetensors", none},
                {"train", "--load", folder}, {"serve", "--load", folder, "--port", "0", "--no-warmup"}}) {
            Run r = run(args);
            assertEquals(1, r.code(), String.join(" ", args));
            assertEquals("error: " + folder + ": is a directory, not a checkpoint file", r.err().strip(), String.join(" ", args));
        }
        for (String[] args : new String[][] {{"train", "--init-from", folder}, {"gpt", "train", "--init-from", folder}}) {
            assertEquals("error: " + folder + ": is a directory, not a safetensors file", run(args).err().strip(), String.join(" ", args));
        }
        assertEquals("error: " + folder + ": is a directory, not an image", run("predict", none, "--png", folder).err().strip());
        assertEquals("error: " + folder + ": is a directory, not an IDX file", run("predict", none, "--images", folder).err().strip());
        assertEquals("error: " + folder + ": is a directory, not a text file", run("gpt", "train", "--data", folder).err().strip());
        assertEquals("error: --labels goes with --images, not with --png", run("predict", none, "--png", folder, "--labels", none)
                .err().strip());
    }

    @Test
    void evalOfACorruptCheckpointIsAOneLineError() throws IOException {
        Path bad = Files.write(dir.resolve("bad.ckpt"), new byte[] {'J', 'G', 'R', 'D', 'X'});
        Run r = run("eval", bad.toString());
        assertEquals(1, r.code());
        assertEquals("error: " + bad + ": not a JitGrad checkpoint: wrong magic 4a47524458 (expected 4a475244434b5054)",
                r.err().strip());
    }

    @Test
    void benchComparesBothEngines() {
        Run r = run("bench", "--dataset", "digits", "--hidden", "32", "--warmup", "5", "--steps", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rough wall-clock"), r.out());
        assertTrue(r.out().matches("(?s).*  tape +\\d+\\.\\d steps/s.*  compiled +\\d+\\.\\d steps/s.*compiled/tape: \\d+\\.\\d\\dx.*"), r.out());
    }
}
