package org.jitgrad.interop.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jitgrad.files.AtomicFile;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/**
 * Reads and writes safetensors files, the format PyTorch models are shared in (Hugging Face's {@code safetensors}):
 * an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then the
 * tensors' bytes, little-endian and row-major. JitGrad reads and writes F32 tensors only.
 *
 * <p>A file is untrusted input. Before anything is allocated for it, the header length is checked against the file
 * size (and the format's 100 MB limit), the header is parsed by a JSON library and its structure checked, every
 * tensor's dtype is F32, its byte range lies inside the data section and holds exactly its shape's element count ×
 * 4 bytes (computed without overflow), and the ranges cover the data section without overlap, gap or trailing
 * bytes. Every fault is a {@link SafeTensorsException} naming the file, the tensor and what is wrong.
 *
 * <p>Writing sorts the tensors by name (the layout is then a function of the map alone), pads the header to a
 * multiple of 8 bytes as the reference implementation does, and replaces the file atomically.
 */
public final class SafeTensors {
    /** The largest header read or written: the format's own limit. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final int CHUNK_FLOATS = 1 << 14;

    private SafeTensors() {}

    /**
     * Writes {@code tensors} (F32) to {@code file} with no metadata. See {@link #save(Path, Map, Map)}.
     *
     * @throws IllegalArgumentException as {@link #save(Path, Map, Map)}; nothing is written then
     * @throws IOException              if writing fails; the previous file, if any, is then unchanged
     */
    public static void save(Path file, Map<String, Tensor> tensors) throws IOException {
        save(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} as F32, sorted by name, with {@code metadata} as the header's {@code __metadata__}
     * (omitted when empty), replacing {@code file} atomically. Names are sorted by their UTF-8 bytes, as the reference
     * implementation sorts. The tensors' values are read while the file is written, so they must not change meanwhile.
     *
     * @param tensors  the tensors by name; any shape, written in row-major order
     * @param metadata free-form strings for the header's {@code __metadata__}
     * @throws IllegalArgumentException if a name is null, {@code "__metadata__"} or not valid Unicode, a tensor or a
     *                                  metadata string is null, or the header would exceed {@link #MAX_HEADER_BYTES};
     *                                  nothing is written then
     * @throws IOException              if writing fails; the previous file, if any, is then unchanged
     */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(TensorNames.ORDER);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null) throw new IllegalArgumentException("safetensors: a tensor name is null");
            if (name.equals(Header.METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors: no tensor may be named " + Header.METADATA_KEY + " (the metadata's key)");
            }
            if (!StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
                throw new IllegalArgumentException("safetensors: tensor name '" + name + "' is not valid Unicode (an unpaired surrogate)");
            }
            if (e.getValue() == null) throw new IllegalArgumentException("safetensors: tensor '" + name + "' is null");
            sorted.put(name, e.getValue());
        }
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            if (m.getKey() == null || m.getValue() == null) {
                throw new IllegalArgumentException("safetensors: metadata entry '" + m.getKey() + "' has a null key or value");
            }
        }
        List<TensorEntry> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            int[] dims = e.getValue().shape().dims();
            long[] shape = new long[dims.length];
            for (int i = 0; i < dims.length; i++) shape[i] = dims[i];
            long bytes = (long) e.getValue().size() * Float.BYTES;
            entries.add(new TensorEntry(e.getKey(), TensorEntry.F32, shape, offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = Header.encode(entries, metadata);
        if (header.length > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("safetensors: the header would take " + header.length + " bytes, more than the format's "
                    + MAX_HEADER_BYTES);
        }
        AtomicFile.write(file, out -> {
            out.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length).array());
            out.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : sorted.values()) {
                float[] values = t.storage();
                for (int at = 0; at < values.length; at += CHUNK_FLOATS) {
                    int n = Math.min(CHUNK_FLOATS, values.length - at);
                    chunk.asFloatBuffer().put(values, at, n);
                    out.write(chunk.array(), 0, n * Float.BYTES);
                }
            }
        });
    }

    /**
     * The tensors of a safetensors file, sorted by name; its metadata is dropped. See {@link #read}.
     *
     * @return new tensors that track no gradient, by name, unmodifiable
     * @throws SafeTensorsException naming the file and the first fault found
     * @throws IOException          if the file cannot be read
     */
    public static Map<String, Tensor> load(Path file) throws IOException {
        return read(file).tensors();
    }

    /**
     * Reads a safetensors file of F32 tensors: its tensors and metadata, after checking all of its header (see the
     * class comment). The tensors are new and track no gradient.
     *
     * @throws SafeTensorsException naming the file and the first fault found
     * @throws IOException          if the file cannot be read
     */
    public static SafeTensorsFile read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < Long.BYTES) {
                throw new SafeTensorsException(file, "the file has " + size + " bytes, fewer than the 8 of the header length: "
                        + "not a safetensors file, or truncated");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, file);
            long headerBytes = lengthBytes.getLong(0);
            if (headerBytes < 0 || headerBytes > size - Long.BYTES) {
                throw new SafeTensorsException(file, "the header length " + Long.toUnsignedString(headerBytes)
                        + " (bytes 0-7) runs past the end of the file: only " + (size - Long.BYTES) + " bytes follow it "
                        + "(truncated, or not a safetensors file)");
            }
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new SafeTensorsException(file, "the header length " + headerBytes + " exceeds the format's limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            ByteBuffer headerBuffer = ByteBuffer.allocate((int) headerBytes);
            readFully(channel, headerBuffer, Long.BYTES, file);
            long dataStart = Long.BYTES + headerBytes;
            long dataBytes = size - dataStart;
            Header header;
            List<Shape> shapes = new ArrayList<>();
            try {
                header = Header.parse(headerBuffer.array());
                for (TensorEntry e : header.entries()) shapes.add(e.check(dataBytes));
                DataSection.checkCoverage(header.entries(), dataBytes);
            } catch (IllegalArgumentException e) {
                throw new SafeTensorsException(file, e.getMessage(), e.getCause());
            }
            // Everything checked: the arrays below add up to the data section, which the file holds.
            Map<String, Tensor> byName = new TreeMap<>(TensorNames.ORDER);
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < header.entries().size(); i++) {
                TensorEntry e = header.entries().get(i);
                Shape shape = shapes.get(i);
                float[] values = new float[shape.size()];
                long position = dataStart + e.begin();
                for (int at = 0; at < values.length; at += CHUNK_FLOATS) {
                    int n = Math.min(CHUNK_FLOATS, values.length - at);
                    chunk.clear().limit(n * Float.BYTES);
                    readFully(channel, chunk, position, file);
                    chunk.flip();
                    chunk.asFloatBuffer().get(values, at, n);
                    position += (long) n * Float.BYTES;
                }
                byName.put(e.name(), Tensor.wrap(values, shape.dims()));
            }
            return new SafeTensorsFile(new LinkedHashMap<>(byName), header.metadata());
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position, Path file) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position);
            if (n < 0) {
                throw new SafeTensorsException(file, "the file ended at byte " + position + " while being read (it was truncated "
                        + "meanwhile)");
            }
            position += n;
        }
    }
}
