package org.jitgrad.app.checkpoint;

import java.util.List;
import org.jitgrad.data.CharVocabulary;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.tensor.Tensor;

/**
 * A trained character-level GPT, in memory: its configuration, its vocabulary (so that text can be
 * encoded and decoded without the training data), its parameters by nanoGPT's names and a little
 * training metadata. The file format is in {@link GptCheckpointFile}.
 *
 * @param iterations optimisation steps taken
 * @param dataset    what it was trained on (a file name), for messages
 */
public record GptCheckpoint(GptConfig config, CharVocabulary vocabulary, List<NamedArray> parameters, long iterations,
                            String dataset) {
    /**
     * @throws IllegalArgumentException if the vocabulary size is not the configuration's, or the
     *                                  iteration count is negative
     */
    public GptCheckpoint {
        parameters = List.copyOf(parameters);
        if (vocabulary.size() != config.vocabSize()) {
            throw new IllegalArgumentException("the vocabulary has " + vocabulary.size() + " characters but the model's vocab_size is "
                    + config.vocabSize());
        }
        if (iterations < 0) throw new IllegalArgumentException("iterations < 0: " + iterations);
        if (dataset == null) dataset = "";
    }

    /** Copies a live model's parameters. */
    public static GptCheckpoint capture(Gpt gpt, CharVocabulary vocabulary, long iterations, String dataset) {
        return new GptCheckpoint(gpt.config(), vocabulary, ParameterArrays.capture(gpt), iterations, dataset);
    }

    /**
     * A new model with this configuration and these weights. The parameter count is checked against
     * the configuration before the model is allocated, so a forged configuration cannot make it huge.
     *
     * @throws CheckpointException if the parameters do not fit the configuration
     */
    public Gpt build() throws CheckpointException {
        long values = 0;
        for (NamedArray a : parameters) values += a.size();
        long expected = config.parameterCount();
        if (values != expected) {
            throw new CheckpointException("checkpoint does not match its configuration: its tensors hold " + values
                    + " values, " + describe(config) + " has " + expected + " parameters");
        }
        Gpt gpt = new Gpt(config, 0);
        restoreInto(gpt);
        return gpt;
    }

    /**
     * Copies the parameters into {@code gpt} after checking its configuration and every name and shape;
     * nothing changes unless all agree.
     *
     * @throws CheckpointException naming the first disagreement
     */
    public void restoreInto(Gpt gpt) throws CheckpointException {
        if (!gpt.config().equals(config)) {
            throw new CheckpointException("checkpoint does not match the model: checkpoint has " + describe(config) + ", model is "
                    + describe(gpt.config()));
        }
        List<Tensor> targets = ParameterArrays.targets(parameters, gpt);
        ParameterArrays.copyInto(targets, parameters);
    }

    /** {@code n_layer 4, n_head 4, n_embd 128, block 64, vocab 65, dropout 0.0, no bias}. */
    public static String describe(GptConfig c) {
        return "n_layer " + c.nLayer() + ", n_head " + c.nHead() + ", n_embd " + c.nEmbd() + ", block " + c.block() + ", vocab "
                + c.vocabSize() + ", dropout " + c.dropout() + (c.bias() ? ", bias" : ", no bias");
    }
}
