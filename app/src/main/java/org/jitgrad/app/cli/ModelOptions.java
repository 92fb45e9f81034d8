package org.jitgrad.app.cli;

import java.util.Arrays;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.data.Dataset;
import org.jitgrad.nn.Activation;
import picocli.CommandLine.Option;

/** The network's shape. */
public final class ModelOptions {
    /** The default hidden layers. */
    public static final int[] DEFAULT_HIDDEN = {256, 128};

    @Option(names = "--hidden", split = ",", paramLabel = "N,N,...", hideParamSyntax = true,
            description = "Hidden layer widths, comma-separated (default: 256,128; 0 for none). With --load the checkpoint's.")
    int[] hidden;

    @Option(names = "--activation", paramLabel = "relu|tanh|sigmoid",
            description = "Activation between layers (default: relu). With --load the checkpoint's.")
    Activation activation;

    /** The spec for training on {@code train}: its feature and class counts, inputs standardized with its statistics. */
    ModelSpec spec(Dataset train) {
        return ModelSpec.mlp(train.featureCount(), hiddenOrDefault(), train.classCount(),
                activation == null ? Activation.RELU : activation, InputNorm.of(train));
    }

    /** The spec for {@code inputs} features and {@code classes} classes (the serve command's). */
    ModelSpec spec(int inputs, int classes, InputNorm norm) {
        return ModelSpec.mlp(inputs, hiddenOrDefault(), classes, activation == null ? Activation.RELU : activation, norm);
    }

    int[] hiddenOrDefault() {
        if (hidden == null) return DEFAULT_HIDDEN.clone();
        if (hidden.length == 1 && hidden[0] == 0) return new int[0];
        for (int h : hidden) {
            if (h < 1) throw new IllegalArgumentException("--hidden: widths must be positive, got " + Arrays.toString(hidden));
        }
        return hidden.clone();
    }

    /** Fails when options given explicitly contradict a checkpoint's model. */
    void checkAgainst(ModelSpec fromCheckpoint) {
        if (hidden != null && !Arrays.equals(hiddenOrDefault(), fromCheckpoint.hidden())) {
            throw new IllegalArgumentException("--hidden " + Arrays.toString(hiddenOrDefault()) + " contradicts the checkpoint's model "
                    + fromCheckpoint.describe() + " (leave --hidden out to use the checkpoint's)");
        }
        if (activation != null && activation != fromCheckpoint.activation()) {
            throw new IllegalArgumentException("--activation " + activation + " contradicts the checkpoint's model "
                    + fromCheckpoint.describe());
        }
    }
}
