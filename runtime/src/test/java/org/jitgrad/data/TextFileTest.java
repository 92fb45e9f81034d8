package org.jitgrad.data;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFileTest {
    @TempDir
    Path dir;

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(bytes);
        }
        return b.toByteArray();
    }

    @Test
    void plainAndGzippedReadTheSame() throws IOException {
        byte[] text = "To be, or not to be\n\u00e9\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        Path plain = Files.write(dir.resolve("a.txt"), text);
        Path gz = Files.write(dir.resolve("a.txt.gz"), gzip(text));
        assertArrayEquals(text, TextFile.readBytes(plain, 100));
        assertArrayEquals(text, TextFile.readBytes(gz, 100));
        assertEquals("To be, or not to be\n\u00e9\uD83D\uDE00", TextFile.read(gz));
        assertEquals(text.length, TextFile.readBytes(gz, text.length).length, "exactly the bound is accepted");
    }

    @Test
    void concatenatedGzipMembersReadAsTheConcatenation() throws IOException {
        byte[] first = "To be, or not to be".getBytes(StandardCharsets.UTF_8);
        byte[] second = ": that is the question".getBytes(StandardCharsets.UTF_8);
        Path gz = Files.write(dir.resolve("two.txt.gz"), IdxFiles.concat(gzip(first), gzip(second)));
        assertEquals("To be, or not to be: that is the question", TextFile.read(gz));
    }

    @Test
    void untrustedContentIsRejectedWithItsPlace() throws IOException {
        byte[] text = "abc".repeat(100).getBytes(StandardCharsets.US_ASCII);
        Path big = Files.write(dir.resolve("big.txt.gz"), gzip(text));
        assertThrowsNaming(DataFormatException.class, () -> TextFile.readBytes(big, 299), big.toString(), "more than 299 bytes");

        byte[] bad = "ok\u00e9".getBytes(StandardCharsets.UTF_8);
        bad[2] = (byte) 0xff;
        Path latin = Files.write(dir.resolve("latin1.txt"), bad);
        assertThrowsNaming(DataFormatException.class, () -> TextFile.read(latin), latin.toString(), "not UTF-8",
                "0xff at byte offset 2");

        byte[] gz = gzip(text);
        Path truncated = Files.write(dir.resolve("cut.txt.gz"), Arrays.copyOf(gz, gz.length - 12));
        assertThrowsNaming(DataFormatException.class, () -> TextFile.read(truncated), truncated.toString(), "corrupt gzip");

        Path cutTrailer = Files.write(dir.resolve("cut-trailer.txt.gz"), Arrays.copyOf(gz, gz.length - 3));
        assertThrowsNaming(DataFormatException.class, () -> TextFile.read(cutTrailer), cutTrailer.toString(),
                "truncated or corrupt gzip", "ends inside the trailer");

        Path junk = Files.write(dir.resolve("junk.txt.gz"), IdxFiles.concat(gz, IdxFiles.junk(100)));
        assertThrowsNaming(DataFormatException.class, () -> TextFile.read(junk), junk.toString(),
                "100 bytes after the end of the gzip stream (from offset " + gz.length + ") are not gzip data");

        assertThrowsNaming(NoSuchFileException.class, () -> TextFile.read(dir.resolve("missing.txt")), "missing.txt");
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        assertThrowsNaming(DataFormatException.class, () -> CharCorpus.load(empty), empty.toString(), "empty");
    }
}
