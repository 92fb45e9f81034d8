package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.checkpoint.CheckpointKind;
import org.jitgrad.app.checkpoint.GptCheckpoint;
import org.jitgrad.app.checkpoint.GptCheckpointFile;
import org.jitgrad.app.interop.GptSafeTensors;
import org.jitgrad.app.interop.MlpSafeTensors;
import org.jitgrad.interop.safetensors.SafeTensors;
import org.jitgrad.interop.safetensors.SafeTensorsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jitgrad export}. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a checkpoint's weights as a PyTorch state dict in a safetensors file (mlp and gpt checkpoints; not cnn).",
                "An MLP (from train) becomes an nn.Sequential state dict (0.weight [out, in], 0.bias, 2.weight, ...) with the "
                        + "input standardization folded into the first layer; a GPT (from gpt train) nanoGPT's state dict."})
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint written by 'train --save' or 'gpt train --save'.")
    Path checkpoint;

    @Option(names = "--safetensors", paramLabel = "OUT", required = true, description = "The safetensors file to write (atomically).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        OutputFile.check("--safetensors", out);
        String kind = CheckpointKind.of(checkpoint);
        SafeTensorsFile export;
        String model, usage;
        switch (kind) {
            case "mlp" -> {
                Checkpoint c = CheckpointFile.load(checkpoint);
                export = MlpSafeTensors.export(c);
                model = "MLP " + c.spec().describe();
                usage = MlpSafeTensors.pytorchModule(c.spec()) + ".load_state_dict(safetensors.torch.load_file(\"" + out.getFileName()
                        + "\"))  # takes raw features: the standardization is folded in";
            }
            case "gpt" -> {
                GptCheckpoint c = GptCheckpointFile.load(checkpoint);
                export = GptSafeTensors.export(c);
                model = "GPT " + GptCheckpoint.describe(c.config());
                usage = "nanoGPT's GPT(GPTConfig(**model_args)).load_state_dict(safetensors.torch.load_file(\"" + out.getFileName()
                        + "\"))  # model_args and the vocabulary are in the file's metadata";
            }
            default -> throw new IllegalArgumentException(checkpoint + ": export supports mlp and gpt checkpoints, not " + kind);
        }
        SafeTensors.save(out, export.tensors(), export.metadata());
        w.println(f("exported: %s (%s) to %s, %d tensors, %s", checkpoint, model, out.toAbsolutePath(), export.tensors().size(),
                Format.bytes(Files.size(out))));
        w.println(f("in PyTorch: %s", usage));
        w.flush();
        return 0;
    }
}
