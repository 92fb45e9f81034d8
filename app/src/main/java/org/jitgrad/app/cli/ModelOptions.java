package org.jitgrad.app.cli;

import java.util.Arrays;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelKind;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.data.Dataset;
import org.jitgrad.nn.Activation;
import picocli.CommandLine.Option;

/** The network's shape. */
public final class ModelOptions {
    /** The default hidden layers of the MLP. */
    public static final int[] DEFAULT_HIDDEN = ModelKind.MLP.defaultHidden();

    @Option(names = "--model", paramLabel = "mlp|cnn",
            description = "mlp: linear layers only; cnn: LeNet-5-style, two 5x5 convolutions (6 and 16 channels) with 2x2 "
                    + "max-pooling before the linear layers, for 28x28 images (default: mlp). With --load the checkpoint's.")
    ModelKind kind;

    @Option(names = "--hidden", split = ",", paramLabel = "N,N,...", hideParamSyntax = true,
            description = "Hidden layer widths, comma-separated (default: 256,128 for the mlp, 120,84 after the cnn's "
                    + "convolutions; 0 for none). With --load the checkpoint's.")
    int[] hidden;

    @Option(names = "--activation", paramLabel = "relu|tanh|sigmoid",
            description = "Activation between layers (default: relu). With --load the checkpoint's.")
    Activation activation;

    /** The spec for training on {@code train}: its feature and class counts, inputs standardized with its statistics. */
    ModelSpec spec(Dataset train) {
        return spec(train.featureCount(), train.classCount(), InputNorm.of(train));
    }

    /** The spec for {@code inputs} features and {@code classes} classes (the serve command's). */
    ModelSpec spec(int inputs, int classes, InputNorm norm) {
        return ModelSpec.of(kindOrDefault(), inputs, hiddenOrDefault(), classes, activation == null ? Activation.RELU : activation,
                norm);
    }

    private ModelKind kindOrDefault() {
        return kind == null ? ModelKind.MLP : kind;
    }

    int[] hiddenOrDefault() {
        if (hidden == null) return kindOrDefault().defaultHidden();
        if (hidden.length == 1 && hidden[0] == 0) return new int[0];
        for (int h : hidden) {
            if (h < 1) throw new IllegalArgumentException("--hidden: widths must be positive, got " + Arrays.toString(hidden));
        }
        return hidden.clone();
    }

    /** Fails when options given explicitly contradict a checkpoint's model. */
    void checkAgainst(ModelSpec fromCheckpoint) {
        if (kind != null && kind != fromCheckpoint.kind()) {
            throw new IllegalArgumentException("--model " + kind.id() + " contradicts the checkpoint's model "
                    + fromCheckpoint.describe() + " (leave --model out to use the checkpoint's)");
        }
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
