package org.jitgrad.app.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.app.checkpoint.CheckpointException;
import org.jitgrad.app.checkpoint.GptCheckpoint;
import org.jitgrad.data.CharVocabulary;
import org.jitgrad.interop.safetensors.SafeTensorsFile;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;

/**
 * The app's GPTs as nanoGPT state dicts ({@link Gpt#stateDict()}: {@code transformer.wte.weight}, ...,
 * {@code lm_head.weight}), with nanoGPT's {@code model_args} and the character vocabulary in the metadata.
 */
public final class GptSafeTensors {
    /** Metadata key of the vocabulary: its characters in token-id order. */
    public static final String VOCABULARY_KEY = "jitgrad.vocabulary";

    private GptSafeTensors() {}

    /** The checkpoint's weights as nanoGPT's state dict, its configuration and vocabulary as metadata. */
    public static SafeTensorsFile export(GptCheckpoint c) throws CheckpointException {
        Gpt gpt = c.build();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put(MlpSafeTensors.MODEL_KEY, "gpt");
        modelArgs(c.config()).forEach(metadata::put);
        metadata.put("dropout", Float.toString(c.config().dropout()));
        metadata.put("bias", c.config().bias() ? "True" : "False");
        metadata.put(VOCABULARY_KEY, text(c.vocabulary()));
        return new SafeTensorsFile(gpt.stateDict(), metadata);
    }

    /**
     * Checks what the shapes of a state dict cannot show against the model about to load it: the metadata's
     * {@value MlpSafeTensors#MODEL_KEY} (a file exported from another kind of model is refused at once), {@code n_head} (and {@code n_layer}, {@code n_embd}, {@code block_size}, {@code vocab_size}, for clearer
     * messages) and vocabulary, when the file has them.
     *
     * @return a note for the user when the file has no vocabulary (its token ids are then taken to be this text's)
     * @throws IllegalArgumentException naming each disagreement
     */
    public static String checkFits(SafeTensorsFile file, GptConfig config, CharVocabulary vocabulary) {
        List<String> problems = new ArrayList<>();
        String kind = file.metadata().get(MlpSafeTensors.MODEL_KEY);
        if (kind != null && !kind.equals("gpt")) {
            throw new IllegalArgumentException("the file holds a JitGrad " + kind + " (metadata " + MlpSafeTensors.MODEL_KEY + "), not a GPT");
        }
        modelArgs(config).forEach((key, value) -> {
            String stored = file.metadata().get(key);
            if (stored != null && !stored.equals(value)) problems.add("the file's model has " + key + " " + stored + ", this one " + value);
        });
        String stored = file.metadata().get(VOCABULARY_KEY);
        if (stored != null && !stored.equals(text(vocabulary))) {
            problems.add("the file's vocabulary (" + stored.codePointCount(0, stored.length()) + " characters) is not this text's ("
                    + vocabulary.size() + " characters): its token ids would mean other characters");
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException("the file does not fit: " + String.join("; ", problems));
        return stored == null ? "the file has no vocabulary; its token ids are taken to be this text's sorted characters "
                + "(nanoGPT's shakespeare_char encoding)" : "";
    }

    /** nanoGPT's {@code model_args} the shapes depend on, as strings. */
    private static Map<String, String> modelArgs(GptConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("n_layer", Integer.toString(c.nLayer()));
        m.put("n_head", Integer.toString(c.nHead()));
        m.put("n_embd", Integer.toString(c.nEmbd()));
        m.put("block_size", Integer.toString(c.block()));
        m.put("vocab_size", Integer.toString(c.vocabSize()));
        return m;
    }

    private static String text(CharVocabulary v) {
        int[] cps = v.codePoints();
        return new String(cps, 0, cps.length);
    }
}
