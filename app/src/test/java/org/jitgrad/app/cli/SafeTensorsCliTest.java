package org.jitgrad.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.checkpoint.GptCheckpointFile;
import org.jitgrad.app.data.DataRoot;
import org.jitgrad.app.data.DatasetName;
import org.jitgrad.app.data.Datasets;
import org.jitgrad.app.data.TextCorpora;
import org.jitgrad.app.interop.GptSafeTensors;
import org.jitgrad.data.Dataset;
import org.jitgrad.data.TextFile;
import org.jitgrad.interop.safetensors.SafeTensors;
import org.jitgrad.interop.safetensors.SafeTensorsFile;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export --safetensors}, {@code train --init-from} and {@code gpt train --init-from}, in-process on small data. */
class SafeTensorsCliTest {
    @TempDir
    Path dir;

    static CliEndToEndTest.Run run(String... args) {
        return CliEndToEndTest.run(args);
    }

    @Test
    void anExportedMlpStartsTrainingAsTheSameModel() throws IOException {
        Path ckpt = dir.resolve("digits.ckpt"), st = dir.resolve("digits.safetensors"), again = dir.resolve("again.ckpt");
        CliEndToEndTest.Run train = run("train", "--dataset", "digits", "--epochs", "1", "--hidden", "32", "--seed", "3", "--lr", "0.01",
                "--save", ckpt.toString(), "--progress", "none");
        assertEquals(0, train.code(), train.err());

        CliEndToEndTest.Run export = run("export", ckpt.toString(), "--safetensors", st.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().startsWith("exported: " + ckpt + " (MLP 64-32-10 relu, inputs standardized"), export.out());
        assertTrue(export.out().contains("to " + st.toAbsolutePath() + ", 4 tensors, "), export.out());
        assertTrue(export.out().contains("in PyTorch: nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))"
                + ".load_state_dict(safetensors.torch.load_file(\"digits.safetensors\"))"), export.out());
        SafeTensorsFile file = SafeTensors.read(st);
        assertEquals(List.of("0.bias", "0.weight", "2.bias", "2.weight"), List.copyOf(file.tensors().keySet()));
        assertEquals(List.of(32, 64), List.of(file.tensors().get("0.weight").shape().dim(0), file.tensors().get("0.weight").shape().dim(1)));
        assertEquals("pt", file.metadata().get("format"));

        CliEndToEndTest.Run init = run("train", "--dataset", "digits", "--epochs", "0", "--init-from", st.toString(),
                "--save", again.toString(), "--progress", "none");
        assertEquals(0, init.code(), init.err());
        assertTrue(init.out().contains("initialized: from " + st + " (4 tensors, PyTorch names and layouts); inputs not standardized"),
                init.out());
        assertTrue(init.out().contains("model: 64-32-10 relu (2,410 parameters)"), init.out());

        // The model trained with standardized inputs and the one initialized from its export give the same logits.
        Dataset test = Datasets.load(DatasetName.DIGITS, DataRoot.resolve(null), null).test();
        float[] a = logits(CheckpointFile.load(ckpt), test), b = logits(CheckpointFile.load(again), test);
        double worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        assertTrue(worst < 1e-4, "largest logit difference " + worst);
        assertEquals(accuracyLine(run("eval", ckpt.toString())), accuracyLine(run("eval", again.toString())));
    }

    @Test
    void aPyTorchStateDictWithoutMetadataGivesItsShapeToTheModel() throws IOException {
        Path st = dir.resolve("torch.safetensors");
        Sequential torchLike = MLP.of(new int[] {64, 24, 10}, Activation.TANH, 5);
        SafeTensors.save(st, torchLike.stateDict());
        CliEndToEndTest.Run init = run("train", "--dataset", "digits", "--epochs", "1", "--activation", "tanh", "--init-from",
                st.toString(), "--progress", "none");
        assertEquals(0, init.code(), init.err());
        assertTrue(init.out().contains("model: 64-24-10 tanh (1,810 parameters)"), init.out());
        assertTrue(init.out().contains("final test accuracy"), init.out());
    }

    @Test
    void initFromProblemsAreOneLineErrors() throws IOException {
        Path st = dir.resolve("torch.safetensors");
        SafeTensors.save(st, MLP.of(new int[] {64, 24, 10}, Activation.RELU, 5).stateDict());
        CliEndToEndTest.Run hidden = run("train", "--dataset", "digits", "--hidden", "16", "--init-from", st.toString());
        assertEquals(1, hidden.code());
        assertEquals("error: " + st + ": the state dict does not fit the model 64-16-10 relu (3 problems: 3 wrong shapes or values): "
                + "'0.weight' has shape [24, 64], the model expects [16, 64]; '0.bias' has shape [24], the model expects [16]; "
                + "'2.weight' has shape [10, 24], the model expects [10, 16]",
                hidden.err().strip());

        CliEndToEndTest.Run both = run("train", "--dataset", "digits", "--init-from", st.toString(), "--load", st.toString());
        assertEquals(1, both.code());
        assertTrue(both.err().contains("--init-from and --load both give the starting weights"), both.err());

        Path corrupt = dir.resolve("corrupt.safetensors");
        Files.write(corrupt, new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        CliEndToEndTest.Run bad = run("train", "--dataset", "digits", "--init-from", corrupt.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("error: " + corrupt + ": the header length 255 (bytes 0-7) runs past the end"), bad.err());

        CliEndToEndTest.Run notACheckpoint = run("export", st.toString(), "--safetensors", dir.resolve("x.safetensors").toString());
        assertEquals(1, notACheckpoint.code());
        assertTrue(notACheckpoint.err().contains("not a JitGrad checkpoint"), notACheckpoint.err());
    }

    @Test
    void aGptExportsToNanoGptsStateDictAndTrainsOnFromIt() throws IOException {
        byte[] all = TextFile.readBytes(DataRoot.resolve(null).resolve(TextCorpora.TINY_SHAKESPEARE_FILE), TextFile.MAX_BYTES);
        Path data = Files.writeString(dir.resolve("small.txt"), new String(all, StandardCharsets.UTF_8).substring(0, 3000));
        Path ckpt = dir.resolve("gpt.ckpt"), st = dir.resolve("gpt.safetensors");
        List<String> tiny = tinyGpt(data, 2);
        CliEndToEndTest.Run train = run(concat(tiny, "--max-iters", "60", "--warmup", "5", "--eval-every", "60", "--save", ckpt.toString()));
        assertEquals(0, train.code(), train.err());

        CliEndToEndTest.Run export = run("export", ckpt.toString(), "--safetensors", st.toString());
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().contains("(GPT n_layer 1, n_head 2, n_embd 16, block 8, vocab 52, dropout 0.0, no bias)"), export.out());
        SafeTensorsFile file = SafeTensors.read(st);
        assertTrue(file.tensors().keySet().containsAll(List.of("transformer.wte.weight", "transformer.wpe.weight",
                "transformer.h.0.attn.c_attn.weight", "transformer.h.0.mlp.c_proj.weight", "transformer.ln_f.weight", "lm_head.weight")));
        assertEquals("2", file.metadata().get("n_head"));
        assertEquals(52, file.metadata().get(GptSafeTensors.VOCABULARY_KEY).length());
        Gpt fromFile = new Gpt(GptCheckpointFile.load(ckpt).config(), 99);
        fromFile.loadStateDict(file.tensors());
        Map<String, Tensor> trained = GptCheckpointFile.load(ckpt).build().namedParameters();
        fromFile.namedParameters().forEach((k, t) -> org.junit.jupiter.api.Assertions.assertArrayEquals(trained.get(k).toArray(), t.toArray(), k));

        CliEndToEndTest.Run resumed = run(concat(tiny, "--max-iters", "1", "--warmup", "0", "--eval-every", "1", "--init-from", st.toString()));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("initialized: from " + st + " (10 tensors, nanoGPT's names)"), resumed.out());
        Matcher m = Pattern.compile("iter 0: train loss \\d\\.\\d{4}, val loss (\\d\\.\\d{4})").matcher(resumed.out());
        assertTrue(m.find(), resumed.out());
        assertTrue(Double.parseDouble(m.group(1)) < Math.log(52) - 0.5, "an initialized model is not the untrained one: " + m.group());

        CliEndToEndTest.Run heads = run(concat(tinyGpt(data, 4), "--max-iters", "1", "--warmup", "0", "--init-from", st.toString()));
        assertEquals(1, heads.code());
        assertTrue(heads.err().contains("the file's model has n_head 2, this one 4"), heads.err());

        // The other model's file: by its metadata when it has some, else by a short account of the state dict's misfit.
        CliEndToEndTest.Run asMlp = run("train", "--dataset", "digits", "--init-from", st.toString());
        assertEquals("error: " + st + ": the file holds a JitGrad gpt (metadata jitgrad.model), not an MLP", asMlp.err().strip());
        Path mlp = dir.resolve("mlp.safetensors");
        SafeTensors.save(mlp, MLP.of(new int[] {64, 24, 10}, Activation.RELU, 5).stateDict(), Map.of("jitgrad.model", "mlp"));
        CliEndToEndTest.Run gptFromMlp = run(concat(tiny, "--max-iters", "1", "--warmup", "0", "--init-from", mlp.toString()));
        assertEquals("error: " + mlp + ": the file holds a JitGrad mlp (metadata jitgrad.model), not a GPT", gptFromMlp.err().strip());
        Path plain = dir.resolve("plain-mlp.safetensors");
        SafeTensors.save(plain, MLP.of(new int[] {64, 24, 10}, Activation.RELU, 5).stateDict());
        CliEndToEndTest.Run noMetadata = run(concat(tiny, "--max-iters", "1", "--warmup", "0", "--init-from", plain.toString()));
        assertEquals(1, noMetadata.code());
        String message = noMetadata.err().strip();
        assertTrue(message.startsWith("error: " + plain + ": the state dict does not fit the model GPT n_layer 1, n_head 2, n_embd 16, "
                + "block 8, vocab 52, dropout 0.0, no bias (13 problems: 9 missing, 4 unexpected): missing 'transformer.wte.weight' "
                + "[52, 16] (or its tied copy 'lm_head.weight'); unexpected '0.bias' [24]; missing 'transformer.wpe.weight' [8, 16]; "
                + "and 10 more"), message);
        assertTrue(message.length() < 400 && !message.contains("GPTGpt") && message.lines().count() == 1, message);
    }

    private static List<String> tinyGpt(Path data, int heads) {
        return List.of("gpt", "train", "--data", data.toString(), "--n-layer", "1", "--n-head", Integer.toString(heads), "--n-embd",
                "16", "--block", "8", "--batch", "4", "--lr", "1e-2", "--min-lr", "1e-3", "--eval-batches", "4",
                "--final-eval-batches", "4", "--progress", "none");
    }

    private static String[] concat(List<String> base, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static float[] logits(Checkpoint c, Dataset data) {
        Sequential net = c.spec().build(0);
        try {
            c.restoreInto(c.spec(), net, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        float[] x = new float[data.features().length];
        c.spec().norm().apply(data.features(), x, x.length);
        return net.forward(Tensor.of(x, data.size(), data.featureCount())).toArray();
    }

    private static String accuracyLine(CliEndToEndTest.Run eval) {
        assertEquals(0, eval.code(), eval.err());
        String line = eval.lines().get(1);
        return line.substring(0, line.lastIndexOf(" in "));
    }
}
