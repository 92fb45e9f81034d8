package org.jitgrad.app.cli;

import static org.jitgrad.app.cli.Format.f;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.jitgrad.app.data.InputFile;
import org.jitgrad.app.checkpoint.GptCheckpoint;
import org.jitgrad.app.interop.GptSafeTensors;
import org.jitgrad.app.interop.StateDictMismatch;
import org.jitgrad.data.CharVocabulary;
import org.jitgrad.interop.safetensors.SafeTensors;
import org.jitgrad.interop.safetensors.SafeTensorsFile;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.StateDictException;

/** {@code gpt train --init-from FILE.safetensors}: nanoGPT's state dict into the model the options describe. */
final class GptInitFrom {
    private GptInitFrom() {}

    /**
     * Reads the file, checks its metadata (configuration, vocabulary) when it has some, and loads its weights into
     * {@code gpt}; nothing is changed unless everything fits.
     *
     * @throws IllegalArgumentException naming the file and every disagreement
     */
    static void load(Path file, Gpt gpt, CharVocabulary vocabulary, PrintWriter out) throws IOException {
        InputFile.check(file, "safetensors file", "a safetensors file");
        SafeTensorsFile content = SafeTensors.read(file);
        String note;
        try {
            note = GptSafeTensors.checkFits(content, gpt.config(), vocabulary);
            gpt.loadStateDict(content.tensors());
        } catch (StateDictException e) {
            throw new IllegalArgumentException(file + ": " + StateDictMismatch.describe(e, "GPT " + GptCheckpoint.describe(gpt.config())), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        out.println(f("initialized: from %s (%d tensors, nanoGPT's names)%s", file, content.tensors().size(),
                note.isEmpty() ? "" : "; " + note));
    }
}
