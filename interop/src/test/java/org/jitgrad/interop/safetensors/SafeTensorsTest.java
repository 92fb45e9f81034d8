package org.jitgrad.interop.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and reading back: bit-exact values, the header's layout, metadata, atomic replacement, bad arguments. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripIsBitExactForEveryKindOfFloatAndShape() throws IOException {
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffa00000), 1f / 3};
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("special", Tensor.of(special, 2, 5));
        tensors.put("scalar", Tensor.scalar(2.5f));
        tensors.put("empty", Tensor.zeros(0, 3));
        tensors.put("rank4", Tensor.randn(3, 2, 3, 4, 5));
        float[] big = new float[40_000];   // spans several read and write chunks
        for (int i = 0; i < big.length; i++) big[i] = (float) Math.sin(i) * i;
        tensors.put("big", Tensor.of(big, 200, 200));
        Path file = dir.resolve("t.safetensors");
        SafeTensors.save(file, tensors);
        Map<String, Tensor> back = SafeTensors.load(file);
        assertEquals(List.of("big", "empty", "rank4", "scalar", "special"), List.copyOf(back.keySet()));
        tensors.forEach((name, t) -> {
            assertEquals(t.shape(), back.get(name).shape(), name);
            float[] a = t.toArray(), b = back.get(name).toArray();
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), name + "[" + i + "]");
        });
        assertEquals(Shape.SCALAR, back.get("scalar").shape());
    }

    @Test
    void theFileIsSortedPaddedLittleEndianAndDeterministic() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", Tensor.of(new float[] {1f}, 1));
        tensors.put("a", Tensor.of(new float[] {2f, 3f}, 2));
        Path file = dir.resolve("x.safetensors");
        SafeTensors.save(file, tensors, Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertEquals(0, (8 + n) % 8, "the data section starts 8-aligned");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", header.stripTrailing());
        assertEquals(8 + n + 12, bytes.length);
        assertEquals(2f, b.getFloat((int) (8 + n)));
        assertEquals(3f, b.getFloat((int) (8 + n + 4)));
        assertEquals(1f, b.getFloat((int) (8 + n + 8)));

        Map<String, Tensor> reversed = new LinkedHashMap<>();
        reversed.put("a", tensors.get("a"));
        reversed.put("b", tensors.get("b"));
        Path again = dir.resolve("y.safetensors");
        SafeTensors.save(again, reversed, Map.of("format", "pt"));
        assertArrayEquals(bytes, Files.readAllBytes(again), "same map contents, same bytes");
    }

    @Test
    void namesSortByCodePointAsTheReferenceDoes() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("\uD83D\uDE00", Tensor.scalar(1f));   // U+1F600, a surrogate pair in Java
        tensors.put("\uFF41", Tensor.scalar(2f));         // U+FF41: below U+1F600, above it in UTF-16
        Path file = dir.resolve("u.safetensors");
        SafeTensors.save(file, tensors);
        assertEquals(List.of("\uFF41", "\uD83D\uDE00"), List.copyOf(SafeTensors.load(file).keySet()));
    }

    @Test
    void metadataRoundTrips() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafeTensors.save(file, Map.of("w", Tensor.ones(2)), Map.of("format", "pt", "jitgrad.model", "mlp 2-1 relu", "é", "ü"));
        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(Map.of("format", "pt", "jitgrad.model", "mlp 2-1 relu", "é", "ü"), read.metadata());
        SafeTensors.save(file, Map.of());
        SafeTensorsFile empty = SafeTensors.read(file);
        assertTrue(empty.tensors().isEmpty() && empty.metadata().isEmpty());
    }

    @Test
    void savingReplacesTheFileAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.save(file, Map.of("w", Tensor.ones(3)));
        SafeTensors.save(file, Map.of("w", Tensor.zeros(2)));
        assertEquals(Shape.of(2), SafeTensors.load(file).get("w").shape());
        byte[] before = Files.readAllBytes(file);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(file, Map.of("__metadata__", Tensor.ones(1))));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void badArgumentsAreRejectedByName() {
        Path file = dir.resolve("bad.safetensors");
        Map<String, Tensor> nullTensor = new LinkedHashMap<>();
        nullTensor.put("w", null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(file, nullTensor)).getMessage()
                .contains("tensor 'w' is null"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(file, Map.of("\uD800x", Tensor.ones(1))))
                .getMessage().contains("not valid Unicode"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(file, Map.of("__metadata__", Tensor.ones(1))))
                .getMessage().contains("__metadata__"));
        assertTrue(Files.notExists(file));
    }
}
