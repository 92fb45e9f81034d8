package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.jitgrad.app.data.InputFile;
import org.jitgrad.app.interop.MlpSafeTensors;
import org.jitgrad.app.interop.StateDictMismatch;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.data.Dataset;
import org.jitgrad.interop.safetensors.SafeTensors;
import org.jitgrad.interop.safetensors.SafeTensorsFile;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Sequential;
import org.jitgrad.nn.StateDictException;

/** {@code train --init-from FILE.safetensors}: the model a PyTorch state dict describes, then its weights. */
final class MlpInitFrom {
    private final Path file;
    private final SafeTensorsFile content;

    private MlpInitFrom(Path file, SafeTensorsFile content) {
        this.file = file;
        this.content = content;
    }

    /**
     * Reads the file (null when the option is absent).
     *
     * @throws IllegalArgumentException if {@code --load} is given too
     */
    static MlpInitFrom read(Path file, Path load) throws IOException {
        if (file == null) return null;
        if (load != null) {
            throw new IllegalArgumentException("--init-from and --load both give the starting weights; use one of them");
        }
        InputFile.check(file, "safetensors file", "a safetensors file");
        return new MlpInitFrom(file, SafeTensors.read(file));
    }

    /**
     * The model: layer sizes from {@code --hidden} if given (with the data's inputs and classes), else from the
     * file's shapes; the activation from {@code --activation}, else the file's metadata, else relu; inputs not
     * standardized (a PyTorch model takes the features as they are).
     */
    ModelSpec spec(ModelOptions options, Dataset train) {
        try {
            if (options.hidden != null) {
                return MlpSafeTensors.spec(content, ModelSpec.mlp(train.featureCount(), options.hiddenOrDefault(), train.classCount(),
                        Activation.RELU, InputNorm.IDENTITY).sizes(), options.activation);
            }
            return MlpSafeTensors.spec(content, options.activation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Copies the weights into {@code net}, the model {@code spec} describes (all checked first), and says so. */
    void loadInto(Sequential net, ModelSpec spec, PrintWriter out) {
        try {
            net.loadStateDict(content.tensors());
        } catch (StateDictException e) {
            throw new IllegalArgumentException(file + ": " + StateDictMismatch.describe(e, spec.describe()), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        out.println(f("initialized: from %s (%d tensors, PyTorch names and layouts); inputs not standardized, as the file's "
                + "model takes them", file, content.tensors().size()));
    }
}
