package org.jitgrad.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jitgrad.app.Main;
import org.jitgrad.app.data.DataRoot;
import org.jitgrad.app.data.TextCorpora;
import org.jitgrad.data.TextFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jitgrad gpt train} and {@code gpt sample} in-process on a small text, with a tiny model. */
class GptCliTest {
    private static final Pattern EVAL = Pattern.compile("iter (\\d+): train loss (\\d+\\.\\d{4}), val loss (\\d+\\.\\d{4}) \\((\\d+) batch(?:es)? each\\)");

    @TempDir
    Path dir;

    static CliEndToEndTest.Run run(String... args) {
        return CliEndToEndTest.run(args);
    }

    /** The first 3,000 characters of the bundled Shakespeare. */
    private Path smallText() throws IOException {
        byte[] all = TextFile.readBytes(DataRoot.resolve(null).resolve(TextCorpora.TINY_SHAKESPEARE_FILE), TextFile.MAX_BYTES);
        String text = new String(all, StandardCharsets.UTF_8).substring(0, 3000);
        return Files.writeString(dir.resolve("small.txt"), text);
    }

    private static String[] tiny(Path data, String engine, String... more) {
        List<String> args = new ArrayList<>(List.of("gpt", "train", "--data", data.toString(), "--n-layer", "1", "--n-head", "2",
                "--n-embd", "16", "--block", "8", "--batch", "4", "--max-iters", "60", "--warmup", "5", "--lr", "1e-2",
                "--min-lr", "1e-3", "--eval-every", "20", "--eval-batches", "4", "--final-eval-batches", "20", "--engine", engine,
                "--progress", "plain"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** {iteration, train loss, val loss} of each evaluation line. */
    private static List<double[]> evaluations(String out) {
        List<double[]> points = new ArrayList<>();
        Matcher m = EVAL.matcher(out);
        while (m.find()) points.add(new double[] {Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))});
        return points;
    }

    /**
     * One program, or with the batch split across two or more kernel threads two: the shard program and
     * the whole-batch program the first call checks it against.
     */
    private static String specializations() {
        int threads = org.jitgrad.kernels.Gemm.parallelism();
        return threads > 1 && 4 % threads == 0 ? "2 compiled specializations" : "1 compiled specialization";  // batch 4
    }

    @Test
    void trainLearnsBothEnginesAgreeAndSamplesAreReproducible() throws IOException {
        Path data = smallText();
        Path ckpt = dir.resolve("tiny.ckpt"), png = dir.resolve("curves.png");
        CliEndToEndTest.Run compiled = run(tiny(data, "compiled", "--save", ckpt.toString(), "--plot", png.toString()));
        assertEquals(0, compiled.code(), compiled.err());
        String out = compiled.out();
        assertTrue(out.startsWith("data: small.txt, 3,000 characters (52 distinct), 2,700 train and 300 validation"), out);
        assertTrue(out.contains("model: GPT n_layer 1, n_head 2, n_embd 16, block 8, vocab 52, dropout 0.0, no bias (4,080 parameters)"), out);
        assertTrue(out.contains("AdamW lr 0.01 (warm-up 5, cosine to 0.001), betas (0.9, 0.99), weight decay 0.1 on matrices; "
                + "gradients clipped to norm 1; engine compiled"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("iter 60/60 it +\\d+\\.\\d it/s  loss \\d\\.\\d{4}  ETA 0:00")), out);

        List<double[]> curve = evaluations(out);
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0), curve.stream().map(p -> p[0]).toList());
        assertEquals(Math.log(52), curve.get(0)[2], 0.3, "an untrained model is near uniform");
        double finalVal = curve.get(3)[2];
        assertTrue(finalVal < 3.4 && finalVal < curve.get(0)[2] - 0.5, "val loss after 60 iterations: " + finalVal);
        Matcher done = Pattern.compile("done: 60 iterations, val loss (\\d\\.\\d{4}), train loss \\d\\.\\d{4} \\(20 batches each\\), "
                + "\\d+\\.\\d\\d ms/step median .*engine compiled, " + specializations() + "\\)").matcher(out);
        assertTrue(done.find(), out);
        assertEquals(finalVal, Double.parseDouble(done.group(1)));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1000, image.getWidth());

        // The tape from the same seed: the same curve to float rounding.
        CliEndToEndTest.Run tape = run(tiny(data, "tape"));
        assertEquals(0, tape.code(), tape.err());
        List<double[]> tapeCurve = evaluations(tape.out());
        assertEquals(curve.size(), tapeCurve.size());
        for (int i = 0; i < curve.size(); i++) {
            assertEquals(curve.get(i)[1], tapeCurve.get(i)[1], 2e-4, "train loss at evaluation " + i);
            assertEquals(curve.get(i)[2], tapeCurve.get(i)[2], 2e-4, "val loss at evaluation " + i);
        }

        CliEndToEndTest.Run a = run("gpt", "sample", "--load", ckpt.toString(), "--tokens", "40", "--seed", "5", "--prompt", "First");
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().startsWith("First"), a.out());
        assertEquals("First".length() + 40 + System.lineSeparator().length(), a.out().length(), "the prompt, 40 characters, a newline");
        assertEquals(a.out(), run("gpt", "sample", "--load", ckpt.toString(), "--tokens", "40", "--seed", "5", "--prompt", "First").out());
        assertNotEquals(a.out(), run("gpt", "sample", "--load", ckpt.toString(), "--tokens", "40", "--seed", "6", "--prompt", "First").out());
        CliEndToEndTest.Run k = run("gpt", "sample", "--load", ckpt.toString(), "--tokens", "10", "--top-k", "3", "--temperature", "0.5");
        assertEquals(0, k.code(), k.err());

        CliEndToEndTest.Run foreign = run("gpt", "sample", "--load", ckpt.toString(), "--prompt", "Fir\u20acst");
        assertEquals(1, foreign.code());
        assertTrue(foreign.err().contains("--prompt: character '\u20ac' (U+20AC) at position 3 is not in the vocabulary of 52 characters"),
                foreign.err());
        assertEquals("", foreign.out());
        CliEndToEndTest.Run cold = run("gpt", "sample", "--load", ckpt.toString(), "--temperature", "0");
        assertEquals(1, cold.code());
        assertTrue(cold.err().contains("--temperature must be positive and finite, got 0.0"), cold.err());
        CliEndToEndTest.Run hot = run("gpt", "sample", "--load", ckpt.toString(), "--temperature", "Infinity");
        assertEquals("error: --temperature must be positive and finite, got Infinity", hot.err().strip());
        for (String tooMany : new String[] {"2147483647", "100000001"}) {
            CliEndToEndTest.Run huge = run("gpt", "sample", "--load", ckpt.toString(), "--tokens", tooMany);
            assertEquals(1, huge.code(), huge.err());
            assertEquals("error: --tokens must be between 0 and 100,000,000, got " + String.format("%,d", Long.parseLong(tooMany)),
                    huge.err().strip(), "one line, no stack trace");
            assertEquals("", huge.out());
        }

        // The sample is printed as it is generated: flushed after the prompt and at every newline, not once at the end.
        FlushRecorder recorder = new FlushRecorder();
        int code = Main.execute(new String[] {"gpt", "sample", "--load", ckpt.toString(), "--tokens", "400", "--seed", "5"},
                new PrintWriter(recorder), new PrintWriter(new StringWriter()));
        assertEquals(0, code);
        String sample = recorder.toString();
        assertEquals(run("gpt", "sample", "--load", ckpt.toString(), "--tokens", "400", "--seed", "5").out(), sample, "same bytes");
        assertEquals(List.of(1), recorder.flushedLengths.subList(0, 1), "the prompt (a newline) first: " + recorder.flushedLengths);
        long newlines = sample.chars().filter(ch -> ch == '\n').count();
        assertTrue(newlines > 3, "a sample of 400 characters has lines: " + sample);
        assertTrue(recorder.flushedLengths.size() >= newlines, "flushes " + recorder.flushedLengths + " for " + newlines + " newlines");
    }

    /** A writer that records how much had been written at each flush. */
    private static final class FlushRecorder extends StringWriter {
        final List<Integer> flushedLengths = new ArrayList<>();

        @Override
        public void flush() {
            if (flushedLengths.isEmpty() || flushedLengths.getLast() != getBuffer().length()) flushedLengths.add(getBuffer().length());
        }
    }

    @Test
    void oneIterationAndOneBatchAreSingular() throws IOException {
        CliEndToEndTest.Run one = run("gpt", "train", "--data", smallText().toString(), "--n-layer", "1", "--n-head", "2", "--n-embd",
                "16", "--block", "8", "--batch", "4", "--max-iters", "1", "--warmup", "0", "--eval-batches", "1",
                "--final-eval-batches", "1", "--progress", "none");
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().contains("training: 1 iteration of batch 4;"), one.out());
        assertTrue(one.out().contains("(1 batch each)"), one.out());
        assertTrue(one.out().contains("done: 1 iteration, val loss "), one.out());
        assertTrue(!one.out().contains("batchs") && !one.out().contains("1 batches"), one.out());
    }

    @Test
    void badInputFailsWithAReasonAndExitCode() throws IOException {
        Path data = smallText();
        CliEndToEndTest.Run heads = run("gpt", "train", "--data", data.toString(), "--n-embd", "18", "--n-head", "4");
        assertEquals(1, heads.code());
        assertTrue(heads.err().contains("error: --n-embd 18 must be divisible by --n-head 4"), heads.err());

        Path shortText = Files.writeString(dir.resolve("short.txt"), "To be, or not to be");  // 19: 17 train, 2 validation
        CliEndToEndTest.Run tooShort = run("gpt", "train", "--data", shortText.toString(), "--block", "8");
        assertEquals(1, tooShort.code());
        assertTrue(tooShort.err().contains("short.txt: the validation split has 2 characters; block 8 needs at least block + 1 = 9"),
                tooShort.err());

        CliEndToEndTest.Run warmup = run("gpt", "train", "--data", data.toString(), "--max-iters", "50");
        assertEquals(1, warmup.code());
        assertTrue(warmup.err().contains("--warmup 100 must be less than --max-iters 50"), warmup.err());

        CliEndToEndTest.Run missing = run("gpt", "train", "--data", dir.resolve("nope.txt").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nope.txt: text file not found"), missing.err());

        CliEndToEndTest.Run noCheckpoint = run("gpt", "sample", "--load", dir.resolve("none.ckpt").toString());
        assertEquals(1, noCheckpoint.code());
        assertTrue(noCheckpoint.err().contains("none.ckpt: checkpoint not found"), noCheckpoint.err());

        CliEndToEndTest.Run usage = run("gpt", "sample");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("Missing required option: '--load=FILE'"), usage.err());
        assertEquals(2, run("gpt").code());
    }
}
