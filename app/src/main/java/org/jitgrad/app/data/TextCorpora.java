package org.jitgrad.app.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jitgrad.data.CharCorpus;
import org.jitgrad.data.DataFormatException;
import org.jitgrad.data.TextFile;

/**
 * The texts a GPT trains on: the bundled tinyshakespeare (Karpathy's char-rnn corpus, as nanoGPT's
 * {@code shakespeare_char} uses it), checked against the SHA-256 of its uncompressed text, or any UTF-8
 * text file (gzipped or plain).
 */
public final class TextCorpora {
    /** The bundled corpus, inside {@code data/}. */
    public static final String TINY_SHAKESPEARE_FILE = "tinyshakespeare/input.txt.gz";
    /** SHA-256 of tinyshakespeare's uncompressed text (1,115,394 bytes), as published. */
    static final String TINY_SHAKESPEARE_TEXT_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";

    private TextCorpora() {}

    /** A corpus, a short name for titles, and where it came from. */
    public record Loaded(CharCorpus corpus, String name, String source) {}

    /**
     * The bundled tinyshakespeare.
     *
     * @param dataRoot the repository's {@code data/} folder
     * @throws DataIntegrityException if the uncompressed text's digest is not the published one
     */
    public static Loaded tinyShakespeare(Path dataRoot) throws IOException {
        Path file = dataRoot.resolve(TINY_SHAKESPEARE_FILE);
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "bundled data file is missing");
        return new Loaded(verified(file, TINY_SHAKESPEARE_TEXT_SHA256), "tinyshakespeare", file + " (sha256 verified)");
    }

    /** A text file given by the user (not checksummed). */
    public static Loaded file(Path file) throws IOException {
        InputFile.check(file, "text file", "a text file");
        return new Loaded(CharCorpus.load(file), String.valueOf(file.getFileName()), file + " (not checksummed)");
    }

    /**
     * Reads {@code file} (gunzipping it), checks the SHA-256 of the text against {@code expected}, then
     * tokenizes it.
     *
     * @throws DataIntegrityException naming the file and both digests on a mismatch
     */
    static CharCorpus verified(Path file, String expected) throws IOException {
        byte[] text = TextFile.readBytes(file, TextFile.MAX_BYTES);
        String actual = Sha256.of(text);
        if (!actual.equals(expected)) {
            throw new DataIntegrityException(file + ": sha256 of the uncompressed text mismatch: expected " + expected + ", got "
                    + actual + " (the bundled file is damaged or was replaced; restore it with git checkout)");
        }
        String decoded = TextFile.decodeUtf8(text, file.toString());
        if (decoded.isEmpty()) throw new DataFormatException(file + ": the file is empty");
        return CharCorpus.of(decoded, file.toString());
    }
}
