package org.jitgrad.data;

import static org.jitgrad.testing.Throwing.assertThrowsNaming;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GzipTest {
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;

    /** Bytes that compress poorly, so that a member spans several 64 KiB blocks. */
    private static byte[] data(int length, int seed) {
        byte[] data = new byte[length];
        long x = seed;
        for (int i = 0; i < length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            data[i] = (byte) (x >>> 59);
        }
        return data;
    }

    private static byte[] inflate(byte[] gzip) throws IOException {
        return inflate(new ByteArrayInputStream(gzip));
    }

    private static byte[] inflate(InputStream in) throws IOException {
        try (InputStream gz = Gzip.inflate(in, "t.gz")) {
            return gz.readAllBytes();
        }
    }

    /** A stream that delivers at most 7 bytes a read and reports nothing available, as a pipe may. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }

            @Override
            public synchronized int available() {
                return 0;
            }
        };
    }

    /** One gzip member written field by field (RFC 1952), with the optional header fields that {@code flags} asks for. */
    private static byte[] member(byte[] data, int flags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 1, 2, 3, 4, 0, 3});
        if ((flags & FEXTRA) != 0) {
            out.writeBytes(new byte[] {5, 0, 'A', 'p', 1, 0, 9});
        }
        if ((flags & FNAME) != 0) {
            out.writeBytes("name.idx\0".getBytes(StandardCharsets.ISO_8859_1));
        }
        if ((flags & FCOMMENT) != 0) {
            out.writeBytes("a comment\0".getBytes(StandardCharsets.ISO_8859_1));
        }
        if ((flags & FHCRC) != 0) {
            CRC32 crc = new CRC32();
            crc.update(out.toByteArray());
            writeLittleEndian(out, crc.getValue(), 2);
        }
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] block = new byte[1 << 12];
        while (!deflater.finished()) {
            out.write(block, 0, deflater.deflate(block));
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        writeLittleEndian(out, crc.getValue(), 4);
        writeLittleEndian(out, data.length, 4);
        return out.toByteArray();
    }

    private static void writeLittleEndian(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> 8 * i));
        }
    }

    @Test
    void concatenatedMembersReadAsTheConcatenation() throws IOException {
        byte[] a = data(200_000, 1);
        byte[] b = data(70_000, 2);
        byte[] gz = IdxFiles.concat(IdxFiles.gzip(a), IdxFiles.gzip(new byte[0]), IdxFiles.gzip(b));
        byte[] expected = IdxFiles.concat(a, b);
        assertArrayEquals(expected, inflate(gz));
        assertArrayEquals(expected, inflate(trickle(gz)), "through a stream that reports nothing available");
    }

    @Test
    void optionalHeaderFieldsAreSkipped() throws IOException {
        byte[] a = data(1000, 3);
        for (int flags : new int[] {FEXTRA, FNAME, FCOMMENT, FHCRC, FEXTRA | FNAME | FCOMMENT | FHCRC | 0x01}) {
            byte[] gz = IdxFiles.concat(member(a, flags), member(a, flags));
            assertArrayEquals(IdxFiles.concat(a, a), inflate(gz), "flags " + flags);
        }
    }

    @ParameterizedTest(name = "{0} bytes of junk")
    @ValueSource(ints = {1, 2, 100, 200_000})
    void bytesAfterTheLastMemberAreRefused(int length) {
        byte[] gz = IdxFiles.concat(IdxFiles.gzip(data(100, 4)), IdxFiles.gzip(data(100, 5)));
        byte[] junk = IdxFiles.junk(length);
        assertThrowsNaming(DataFormatException.class, () -> inflate(IdxFiles.concat(gz, junk)),
                "t.gz: " + length + " bytes after the end of the gzip stream (from offset " + gz.length + ") are not gzip data");
        Arrays.fill(junk, (byte) 0);
        assertThrowsNaming(DataFormatException.class, () -> inflate(trickle(IdxFiles.concat(gz, junk))),
                "t.gz: " + length + " bytes after the end", "not gzip data");
    }

    @Test
    void theCountOfAnEndlessTailIsBounded() {
        byte[] gz = IdxFiles.gzip(data(100, 6));
        assertThrowsNaming(DataFormatException.class, () -> inflate(IdxFiles.concat(gz, IdxFiles.junk(5 << 20))),
                "t.gz: more than ", "bytes after the end of the gzip stream (from offset " + gz.length + ")");
    }

    @Test
    void aBadHeaderAfterAMemberIsCorrupt() {
        byte[] gz = IdxFiles.gzip(data(100, 7));
        byte[] method7 = member(data(10, 8), 0);
        method7[2] = 7;
        assertThrowsNaming(ZipException.class, () -> inflate(IdxFiles.concat(gz, method7)),
                "compression method 7", "offset " + gz.length);
        byte[] reserved = member(data(10, 8), 0x20);
        assertThrowsNaming(ZipException.class, () -> inflate(IdxFiles.concat(gz, reserved)), "reserved flag bits 0x20");
        byte[] headerCrc = member(data(10, 8), FNAME | FHCRC);
        headerCrc[12] ^= 1;
        assertThrowsNaming(ZipException.class, () -> inflate(IdxFiles.concat(gz, headerCrc)), "header CRC");
        byte[] cutHeader = Arrays.copyOf(member(data(10, 8), 0), 6);
        assertThrowsNaming(EOFException.class, () -> inflate(IdxFiles.concat(gz, cutHeader)),
                "ends inside the header of the member at offset " + gz.length);
    }

    @Test
    void aBadFirstHeaderIsRefusedNamingTheSource() {
        byte[] method7 = member(data(10, 9), 0);
        method7[2] = 7;
        assertThrowsNaming(DataFormatException.class, () -> inflate(method7), "t.gz: truncated or corrupt gzip header",
                "compression method 7");
        byte[] cut = Arrays.copyOf(member(data(10, 9), FNAME), 14);
        assertThrowsNaming(DataFormatException.class, () -> inflate(cut), "t.gz: truncated or corrupt gzip header",
                "ends inside the header");
    }

    @ParameterizedTest(name = "byte {0} from the end")
    @ValueSource(ints = {1, 4, 5, 8})
    void aCorruptTrailerIsRefused(int fromEnd) {
        byte[] gz = IdxFiles.concat(IdxFiles.gzip(data(300, 10)), IdxFiles.gzip(data(300, 11)));
        gz[gz.length - fromEnd] ^= 0x40;
        assertThrowsNaming(ZipException.class, () -> inflate(gz), fromEnd <= 4 ? "size" : "CRC-32",
                "does not match its data");
    }

    @Test
    void aCutStreamEndsInsideAMember() throws IOException {
        byte[] gz = IdxFiles.gzip(data(300, 12));
        for (int cut = 1; cut <= 8; cut++) {
            byte[] shorter = Arrays.copyOf(gz, gz.length - cut);
            assertThrowsNaming(EOFException.class, () -> inflate(shorter), "ends inside the trailer");
        }
        byte[] halfway = Arrays.copyOf(gz, gz.length / 2);
        assertThrowsNaming(EOFException.class, () -> inflate(halfway), "ends inside the compressed data");
    }

    @Test
    void readingAfterCloseFails() throws IOException {
        InputStream in = Gzip.inflate(new ByteArrayInputStream(IdxFiles.gzip(data(10, 13))), "t.gz");
        in.close();
        in.close();
        assertThrows(IOException.class, in::read);
    }
}
