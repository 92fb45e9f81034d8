package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jitgrad.app.checkpoint.GptCheckpoint;
import org.jitgrad.app.checkpoint.GptCheckpointFile;
import org.jitgrad.app.gpt.TextGenerator;
import org.jitgrad.data.CharVocabulary;
import org.jitgrad.nn.Gpt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jitgrad gpt sample}. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate text with a GPT checkpoint written by 'gpt train --save': prints the prompt and what follows it,",
                "each character as it is generated. Each is drawn from softmax(logits / temperature) over the top-k characters,",
                "from a seeded generator."})
public final class GptSampleCommand implements Callable<Integer> {
    /** The most characters one run generates: about a day with the default model on two cores (some 1,300 a second). */
    public static final int MAX_TOKENS = 100_000_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--load", paramLabel = "FILE", required = true, description = "The checkpoint (from gpt train --save).")
    Path load;

    @Option(names = "--tokens", paramLabel = "N", defaultValue = "500", description = "Characters to generate, at most 100,000,000 (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "Below 1 is more conservative, above 1 more random (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Draw among the K most likely characters only (default: all; K at or above the vocabulary size means all).")
    Integer topK;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1337", description = "Seed of the draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "\n",
            description = "Text to continue; every character must be in the checkpoint's vocabulary (default: a newline).")
    String prompt;

    @Override
    public Integer call() throws Exception {
        if (tokens < 0 || tokens > MAX_TOKENS) {
            throw new IllegalArgumentException(f("--tokens must be between 0 and %s, got %s", Format.count(MAX_TOKENS), Format.count(tokens)));
        }
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be positive and finite, got " + temperature);
        }
        if (topK != null && topK < 1) throw new IllegalArgumentException("--top-k must be >= 1, got " + topK);
        if (prompt.isEmpty()) throw new IllegalArgumentException("--prompt must not be empty: give at least one character");
        GptCheckpoint c = GptCheckpointFile.load(load);
        CharVocabulary vocabulary = c.vocabulary();
        int[] ids;
        try {
            ids = vocabulary.encode(prompt);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--prompt: " + e.getMessage() + " of " + load + " (trained on " + c.dataset() + ")");
        }
        Gpt gpt = c.build();
        PrintWriter out = spec.commandLine().getOut();
        TextOutput text = new TextOutput(out, vocabulary);
        text.prompt(ids);
        long written = new TextGenerator(gpt).stream(ids, tokens, temperature, topK == null ? 0 : topK, seed, text::accept);
        if (!text.endLine()) {
            throw new IllegalStateException(f("standard output was closed after %s of %s characters; stopped", Format.count(written),
                    Format.count(tokens)));
        }
        return 0;
    }
}
