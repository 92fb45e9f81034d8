package org.jitgrad.app.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.jitgrad.data.CharCorpus;
import org.jitgrad.data.TextFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorporaTest {
    @TempDir
    Path dir;

    @Test
    void bundledShakespeareIsVerifiedAndHasNanoGptsSplit() throws IOException {
        TextCorpora.Loaded loaded = TextCorpora.tinyShakespeare(DataRoot.resolve(null));
        CharCorpus c = loaded.corpus();
        assertEquals("tinyshakespeare", loaded.name());
        assertTrue(loaded.source().endsWith("(sha256 verified)"), loaded.source());
        // nanoGPT's shakespeare_char/prepare.py: 1,115,394 characters, 65 distinct, 1,003,854 train and 111,540 val.
        assertEquals(1_115_394, c.length());
        assertEquals(65, c.vocabulary().size());
        assertEquals(1_003_854, c.train().length());
        assertEquals(111_540, c.validation().length());
        assertEquals("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", c.vocabulary().decode(
                java.util.stream.IntStream.range(0, 65).toArray()));
    }

    @Test
    void aDamagedTextIsNamedWithBothDigests() throws IOException {
        byte[] text = TextFile.readBytes(DataRoot.resolve(null).resolve(TextCorpora.TINY_SHAKESPEARE_FILE), TextFile.MAX_BYTES);
        text[text.length / 2] ^= 1;  // one character changed: still a valid gzip of valid text
        Path data = Files.createDirectories(dir.resolve("data/tinyshakespeare")).getParent();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(text);
        }
        Files.write(data.resolve(TextCorpora.TINY_SHAKESPEARE_FILE), gz.toByteArray());
        DataIntegrityException e = assertThrows(DataIntegrityException.class, () -> TextCorpora.tinyShakespeare(data));
        assertTrue(e.getMessage().startsWith(data.resolve(TextCorpora.TINY_SHAKESPEARE_FILE) + ": sha256 of the uncompressed text "
                + "mismatch: expected " + TextCorpora.TINY_SHAKESPEARE_TEXT_SHA256 + ", got "), e.getMessage());
    }
}
