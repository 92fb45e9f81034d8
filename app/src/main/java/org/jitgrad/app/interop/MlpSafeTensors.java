package org.jitgrad.app.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointException;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.interop.safetensors.SafeTensorsFile;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Sequential;
import org.jitgrad.tensor.Tensor;

/**
 * The app's MLPs as PyTorch state dicts: an {@code nn.Sequential} of {@code nn.Linear} layers with an activation
 * module between them, so the linear layers are {@code 0}, {@code 2}, {@code 4}, ... A file has no room for the
 * input standardization, so exporting folds it into the first layer (the exported model takes raw features) and a
 * model initialized from a file takes raw features too.
 */
public final class MlpSafeTensors {
    /** Metadata keys this app writes (and reads when present). */
    public static final String MODEL_KEY = "jitgrad.model", SIZES_KEY = "jitgrad.sizes", ACTIVATION_KEY = "jitgrad.activation",
            INPUT_NORM_KEY = "jitgrad.input_norm";

    private MlpSafeTensors() {}

    /** The checkpoint's weights as PyTorch's state dict of the same model, with the input standardization folded in. */
    public static SafeTensorsFile export(Checkpoint c) throws CheckpointException {
        ModelSpec spec = c.spec();
        Sequential net = spec.build(0);
        c.restoreInto(spec, net, null);
        Map<String, Tensor> stateDict = net.stateDict();
        InputNormFolding.fold(stateDict, spec.norm());
        StringJoiner sizes = new StringJoiner(",");
        for (int s : spec.sizes()) sizes.add(Integer.toString(s));
        return new SafeTensorsFile(stateDict, Map.of(
                "format", "pt",
                MODEL_KEY, "mlp",
                SIZES_KEY, sizes.toString(),
                ACTIVATION_KEY, spec.activation().name().toLowerCase(Locale.ROOT),
                INPUT_NORM_KEY, spec.norm().equals(InputNorm.IDENTITY) ? "none"
                        : String.format(Locale.ROOT, "folded into 0.weight and 0.bias (mean %s, std %s): the model takes raw features",
                        spec.norm().mean(), spec.norm().std())));
    }

    /**
     * The model of a state dict: its layer sizes read from the shapes of {@code 0.weight}, {@code 2.weight}, ...
     * (each {@code [out, in]}, each taking the previous one's outputs), the activation given, else the file's
     * {@value #ACTIVATION_KEY}, else ReLU; no input standardization.
     *
     * @param activation the activation asked for, or null
     * @throws IllegalArgumentException if the state dict is not an MLP's, or the activation contradicts the file's
     */
    public static ModelSpec spec(SafeTensorsFile file, Activation activation) {
        checkKind(file);
        return new ModelSpec(sizes(file.tensors()), activation(file, activation), InputNorm.IDENTITY);
    }

    /** As {@link #spec(SafeTensorsFile, Activation)} but with the layer sizes given (input, hidden..., classes). */
    public static ModelSpec spec(SafeTensorsFile file, int[] sizes, Activation activation) {
        checkKind(file);
        return new ModelSpec(sizes, activation(file, activation), InputNorm.IDENTITY);
    }

    /** Refuses a file whose metadata says it holds another kind of JitGrad model (a GPT). */
    private static void checkKind(SafeTensorsFile file) {
        String kind = file.metadata().get(MODEL_KEY);
        if (kind != null && !kind.equals("mlp")) {
            throw new IllegalArgumentException("the file holds a JitGrad " + kind + " (metadata " + MODEL_KEY + "), not an MLP");
        }
    }

    private static Activation activation(SafeTensorsFile file, Activation asked) {
        String stored = file.metadata().get(ACTIVATION_KEY);
        if (stored == null) return asked == null ? Activation.RELU : asked;
        Activation fromFile;
        try {
            fromFile = Activation.parse(stored);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the file's metadata " + ACTIVATION_KEY + " is '" + stored + "', not relu, tanh or sigmoid");
        }
        if (asked != null && asked != fromFile) {
            throw new IllegalArgumentException("--activation " + asked.name().toLowerCase(Locale.ROOT) + " contradicts the file's "
                    + stored + " (leave --activation out to use the file's)");
        }
        return fromFile;
    }

    private static int[] sizes(Map<String, Tensor> stateDict) {
        Tensor first = stateDict.get("0.weight");
        if (first == null) {
            throw new IllegalArgumentException("the file holds no '0.weight', so it is not the state dict of an nn.Sequential MLP "
                    + "(its tensors: " + abbreviated(stateDict.keySet()) + ")");
        }
        List<Integer> sizes = new ArrayList<>();
        for (int k = 0; stateDict.containsKey(k + ".weight"); k += 2) {
            Tensor w = stateDict.get(k + ".weight");
            if (w.rank() != 2) {
                throw new IllegalArgumentException("'" + k + ".weight' has shape " + w.shape() + "; a linear layer's weight is [out, in]");
            }
            if (sizes.isEmpty()) {
                sizes.add(w.shape().dim(1));
            } else if (w.shape().dim(1) != sizes.getLast()) {
                throw new IllegalArgumentException("'" + k + ".weight' has shape " + w.shape() + ": its layer takes " + w.shape().dim(1)
                        + " inputs but the layer before gives " + sizes.getLast());
            }
            sizes.add(w.shape().dim(0));
            if (sizes.size() > ModelSpec.MAX_LAYERS) {
                throw new IllegalArgumentException("the file's MLP has more than " + ModelSpec.MAX_LAYERS + " layer sizes");
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String abbreviated(Set<String> names) {
        List<String> list = names.stream().limit(6).toList();
        return list + (names.size() > list.size() ? " and " + (names.size() - list.size()) + " more" : "");
    }

    /** The PyTorch module the state dict fits, e.g. {@code nn.Sequential(nn.Linear(784, 256), nn.ReLU(), ...)}. */
    public static String pytorchModule(ModelSpec spec) {
        String act = switch (spec.activation()) {
            case RELU -> "nn.ReLU()";
            case TANH -> "nn.Tanh()";
            case SIGMOID -> "nn.Sigmoid()";
        };
        int[] s = spec.sizes();
        StringJoiner j = new StringJoiner(", ", "nn.Sequential(", ")");
        for (int i = 0; i + 1 < s.length; i++) {
            j.add("nn.Linear(" + s[i] + ", " + s[i + 1] + ")");
            if (i + 2 < s.length) j.add(act);
        }
        return j.toString();
    }
}
