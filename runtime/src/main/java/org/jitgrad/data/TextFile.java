package org.jitgrad.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Reads a UTF-8 text file, gzip-compressed or plain (detected from the gzip magic number), as untrusted
 * input: the file and its decompressed content are bounded, and malformed UTF-8 or a corrupt gzip stream
 * is a {@link DataFormatException} naming the file and the byte offset.
 */
public final class TextFile {
    /** Largest text read, in bytes after decompression (64 MiB: 256 MiB of token ids). */
    public static final int MAX_BYTES = 64 << 20;
    /** Largest {@code maxBytes} accepted: one byte more must still fit in an array. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private TextFile() {}

    /**
     * The file's bytes, decompressed if it is gzipped.
     *
     * @param maxBytes the most bytes accepted after decompression
     * @throws NoSuchFileException     if there is no such regular file
     * @throws DataFormatException     if the content exceeds {@code maxBytes} or the gzip stream is corrupt
     * @throws IllegalArgumentException if {@code maxBytes} is negative or too large for an array
     * @throws IOException             if the file cannot be read
     */
    public static byte[] readBytes(Path file, int maxBytes) throws IOException {
        if (maxBytes < 0 || maxBytes > MAX_ARRAY) {
            throw new IllegalArgumentException("TextFile: maxBytes must be in 0.." + MAX_ARRAY + ", got " + maxBytes);
        }
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "text file not found");
        String name = file.toString();
        try (InputStream raw = Files.newInputStream(file); InputStream in = Gzip.decodeIfCompressed(raw, name)) {
            // One byte past the bound tells a file that is exactly maxBytes long from a longer one.
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new DataFormatException(name + ": more than " + maxBytes + " bytes of text (the largest this build reads)");
            }
            return bytes;
        } catch (ZipException | java.io.EOFException e) {
            throw new DataFormatException(name + ": truncated or corrupt gzip stream (" + Gzip.reason(e) + ")", e);
        }
    }

    /**
     * The file's text: {@link #readBytes(Path, int) readBytes(file, MAX_BYTES)} decoded as strict UTF-8.
     *
     * @throws NoSuchFileException if there is no such regular file
     * @throws DataFormatException if the content is too large, the gzip stream is corrupt or the text is not UTF-8
     * @throws IOException         if the file cannot be read
     */
    public static String read(Path file) throws IOException {
        return decodeUtf8(readBytes(file, MAX_BYTES), file.toString());
    }

    /**
     * Decodes strict UTF-8 (a leading byte-order mark is kept as a character).
     *
     * @param source named in error messages
     * @throws DataFormatException naming the byte offset of the first malformed sequence
     */
    public static String decodeUtf8(byte[] bytes, String source) throws DataFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);  // UTF-8 never decodes to more chars than bytes
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) r = decoder.flush(out);
        if (r.isError()) {
            throw new DataFormatException(String.format("%s: not UTF-8 text: malformed byte 0x%02x at byte offset %d",
                    source, bytes[in.position()] & 0xff, in.position()));
        }
        return out.flip().toString();
    }
}
