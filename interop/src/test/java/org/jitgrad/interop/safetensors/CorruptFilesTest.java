package org.jitgrad.interop.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Untrusted files: each kind of damage is rejected, before anything is allocated for it, with a message naming it. */
class CorruptFilesTest {
    @TempDir
    Path dir;

    private Path file(String header, int dataBytes) throws IOException {
        return file(header.getBytes(StandardCharsets.UTF_8), dataBytes);
    }

    private Path file(byte[] header, int dataBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Path f = Files.createTempFile(dir, "c", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    private static void assertRejected(Path f, String... fragments) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "message should contain '" + s + "': " + e.getMessage());
    }

    @Test
    void aValidFileOfTheSameShapeLoads() throws IOException {
        // The control for the cases below: two tensors tiling 24 bytes.
        Path f = file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2,2]", 8, 24) + "}", 24);
        Map<String, Tensor> t = SafeTensors.load(f);
        assertEquals(2, t.size());
    }

    @Test
    void tooShortForTheHeaderLength() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertRejected(f, "3 bytes, fewer than the 8 of the header length");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws IOException {
        Path f = dir.resolve("past.safetensors");
        byte[] bytes = new byte[20];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000L);
        bytes[8] = '{';
        Files.write(f, bytes);
        assertRejected(f, "header length 1000000 (bytes 0-7) runs past the end of the file: only 12 bytes follow");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);   // 2^64-1 unsigned
        Files.write(f, bytes);
        assertRejected(f, "header length 18446744073709551615");
    }

    @Test
    void headerLongerThanTheFormatAllows() throws IOException {
        Path f = dir.resolve("huge-header.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(SafeTensors.MAX_HEADER_BYTES + 64);   // sparse: nothing is written or read
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(SafeTensors.MAX_HEADER_BYTES + 1).array());
        }
        assertRejected(f, "header length 100000001 exceeds the format's limit of 100000000 bytes");
    }

    @Test
    void truncatedData() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.save(good, Map.of("w", Tensor.ones(4, 4)));
        byte[] bytes = Files.readAllBytes(good);
        Path f = dir.resolve("truncated.safetensors");
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 5));
        assertRejected(f, "tensor 'w': data_offsets [0, 64] run past the end of the data section (59 bytes)");
    }

    @Test
    void overlappingOffsets() throws IOException {
        Path f = file("{" + entry("a", "F32", "[4]", 0, 16) + "," + entry("b", "F32", "[2]", 8, 16) + "}", 16);
        assertRejected(f, "tensors 'a' (data_offsets [0, 16]) and 'b' (data_offsets [8, 16]) overlap");
    }

    @Test
    void gapsAndTrailingBytes() throws IOException {
        Path gap = file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 12, 20) + "}", 20);
        assertRejected(gap, "bytes [8, 12) of the data section belong to no tensor (a gap before 'b'");
        Path lead = file("{" + entry("a", "F32", "[2]", 4, 12) + "}", 12);
        assertRejected(lead, "bytes [0, 4) of the data section belong to no tensor");
        Path trailing = file("{" + entry("a", "F32", "[2]", 0, 8) + "}", 12);
        assertRejected(trailing, "the data section has 12 bytes but the tensors cover only 8 (4 trailing bytes");
    }

    @Test
    void offsetsOutOfRangeOrBackwards() throws IOException {
        assertRejected(file("{" + entry("a", "F32", "[2]", 8, 16) + "}", 8),
                "tensor 'a': data_offsets [8, 16] run past the end of the data section (8 bytes)");
        assertRejected(file("{" + entry("a", "F32", "[0]", 8, 4) + "}", 8), "tensor 'a': data_offsets [8, 4] end before they begin");
        assertRejected(file("{" + entry("a", "F32", "[2]", 0, 8).replace("[0,8]", "[0,8,16]") + "}", 8),
                "tensor 'a': data_offsets has more than 2 numbers");
        assertRejected(file("{" + entry("a", "F32", "[2]", 0, 8).replace("[0,8]", "[8]") + "}", 8),
                "tensor 'a': data_offsets must be two numbers [begin, end], got [8]");
    }

    @Test
    void otherDtypesAreNamed() throws IOException {
        assertRejected(file("{" + entry("model.embed.weight", "BF16", "[2]", 0, 4) + "}", 4),
                "tensor 'model.embed.weight' has dtype BF16; only F32 is supported");
        assertRejected(file("{" + entry("x", "F64", "[1]", 0, 8) + "}", 8), "tensor 'x' has dtype F64");
        assertRejected(file("{" + entry("x", "Q4", "[1]", 0, 4) + "}", 4), "tensor 'x' has dtype 'Q4', which is not a safetensors dtype");
    }

    @Test
    void hugeShapesAreRejectedBeforeAllocating() throws IOException {
        assertRejected(file("{" + entry("w", "F32", "[100000,100000]", 0, 16) + "}", 16),
                "tensor 'w' of shape [100000, 100000] needs 10000000000 F32 values (40000000000 bytes) but its data_offsets [0, 16] hold 16 bytes");
        assertRejected(file("{" + entry("w", "F32", "[4294967296,4294967296,4]", 0, 16) + "}", 16),
                "tensor 'w' has shape [4294967296, 4294967296, 4], whose element count overflows");
        assertRejected(file("{" + entry("w", "F32", "[0,9223372036854775807]", 0, 0) + "}", 0),
                "is larger than a JitGrad tensor can be");
        assertRejected(file("{" + entry("w", "F32", "[1,1,1,1,2]", 0, 8) + "}", 8), "tensor 'w' has rank 5");
        assertRejected(file("{" + entry("w", "F32", "[-2]", 0, 8) + "}", 8), "must hold non-negative integers");
        assertRejected(file("{" + entry("w", "F32", "[99999999999999999999]", 0, 8) + "}", 8), "non-negative integers below 2^63");
    }

    @Test
    void badJsonAndBadStructure() throws IOException {
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",", 0), "the header is not valid JSON");
        assertRejected(file("[1,2]", 0), "must be a JSON object starting with '{'");
        assertRejected(file("", 0), "starts with nothing");
        assertRejected(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", 8),
                "the header is not valid JSON: Duplicate field 'a'");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", 4),
                "tensor 'a' has an unknown field 'extra'");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "tensor 'a' lacks shape");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a': shape must hold non-negative integers, found 1.5");
        assertRejected(file("{\"a\":[1]}", 0), "tensor 'a' must be an object with dtype, shape and data_offsets, found an array");
        assertRejected(file("{\"__metadata__\":{\"k\":1}}", 0), "'__metadata__' entry 'k' must be a string, found 1");
        assertRejected(file("{} {}", 0), "content after its JSON object");
        assertRejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[[[[1]]]],\"data_offsets\":[0,4]}}", 4), "nesting depth (4) exceeds");
        assertRejected(file(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}, 0), "the header is not valid UTF-8");
    }

    @Test
    void namesWithUnpairedSurrogatesAreRejected() throws IOException {
        // Two distinct names, each half a surrogate pair: they have no UTF-8 form and used to collide in the sorted
        // map, so that one tensor silently replaced the other.
        Path f = file("{" + entry("x\\ud800", "F32", "[1]", 0, 4) + "," + entry("x\\ud801", "F32", "[1]", 4, 8) + "}", 8);
        assertRejected(f, "tensor name 'x<U+D800>' is not valid Unicode");
    }

    @Test
    void paddingSpacesAfterTheObjectAreAccepted() throws IOException {
        Path f = file("{" + entry("a", "F32", "[1]", 0, 4) + "}     ", 4);
        assertEquals(1, SafeTensors.load(f).size());
    }
}
