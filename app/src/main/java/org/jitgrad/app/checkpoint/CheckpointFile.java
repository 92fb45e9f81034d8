package org.jitgrad.app.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import org.jitgrad.app.data.InputFile;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelKind;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.model.OptimizerKind;
import org.jitgrad.nn.Activation;
import org.jitgrad.files.AtomicFile;

/**
 * The checkpoint file format, version 1 (specified in app/README.md). All numbers are big-endian.
 *
 * <pre>
 * header (24 bytes)
 *   0  8  magic "JGRDCKPT"
 *   8  4  version (1)
 *  12  8  payload length in bytes
 *  20  4  CRC-32 of the payload
 * payload
 *   model:     string kind ("mlp" | "cnn"), string activation, u32 L, u32[L] sizes
 *              (inputs, hidden..., classes), f32 input mean, f32 input std
 *   tensors:   u32 T, then T x (string name, u32 rank, u32[rank] dims, f32[prod dims] values)
 *   optimizer: string kind ("none" | "sgd" | "adam"), and unless none:
 *              f32 learning rate, f32 momentum, i64 step count, u32 S,
 *              S x (string name, u32 length, f32[length] values)
 *   training:  u32 epochs completed, string dataset
 * string = u16 byte length + UTF-8 bytes
 * </pre>
 *
 * The kind says which network the sizes describe ({@link org.jitgrad.app.model.ModelKind}): "mlp" the layers of
 * an MLP, "cnn" a LeNet-style net on 28x28 images (784 inputs, which reading checks) whose dense layers are
 * 400-hidden...-classes. A GPT checkpoint has the same header and tensor encoding with model kind "gpt" (see
 * {@link GptCheckpointFile}); each reader names the other kind when handed one.
 *
 * Reading treats the file as untrusted: each count and length is checked against the bytes that
 * remain before anything is allocated, and every problem is a {@link CheckpointException} saying
 * what is wrong.
 */
public final class CheckpointFile {
    /** The 8 magic bytes. */
    public static final byte[] MAGIC = "JGRDCKPT".getBytes(StandardCharsets.US_ASCII);
    /** The version this build writes and reads. */
    public static final int VERSION = 1;
    /** Header size in bytes. */
    public static final int HEADER_BYTES = 24;
    /** Offsets of the header fields. */
    public static final int VERSION_OFFSET = 8, LENGTH_OFFSET = 12, CRC_OFFSET = 20;
    /** Largest checkpoint file read (1 GiB). */
    public static final long MAX_FILE_BYTES = 1L << 30;
    private static final int MAX_RANK = 8;
    private static final int MAX_NAME_BYTES = 1024;

    private CheckpointFile() {}

    // ---- writing ----------------------------------------------------------------------------------

    /** The whole file as bytes. */
    public static byte[] encode(Checkpoint c) {
        try {
            ByteArrayOutputStream payloadBytes = new ByteArrayOutputStream(1 << 16);
            DataOutputStream p = new DataOutputStream(payloadBytes);
            ModelSpec spec = c.spec();
            writeString(p, spec.kind().id());
            writeString(p, spec.activation().name().toLowerCase(Locale.ROOT));
            int[] sizes = spec.sizes();
            p.writeInt(sizes.length);
            for (int s : sizes) p.writeInt(s);
            p.writeFloat(spec.norm().mean());
            p.writeFloat(spec.norm().std());
            writeTensors(p, c.parameters());
            OptimizerState o = c.optimizer();
            if (o == null) {
                writeString(p, "none");
            } else {
                writeString(p, o.kind().name().toLowerCase(Locale.ROOT));
                p.writeFloat(o.learningRate());
                p.writeFloat(o.momentum());
                p.writeLong(o.stepCount());
                p.writeInt(o.arrays().size());
                for (NamedArray a : o.arrays()) {
                    writeString(p, a.name());
                    p.writeInt(a.size());
                    writeFloats(p, a.values());
                }
            }
            p.writeInt(c.epochs());
            writeString(p, c.dataset());
            p.flush();
            return frame(payloadBytes.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }

    /** The file for a payload: the header (magic, version, length, CRC-32) followed by the payload. */
    static byte[] frame(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer file = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        file.put(MAGIC).putInt(VERSION).putLong(payload.length).putInt((int) crc.getValue()).put(payload);
        return file.array();
    }

    /** Writes the checkpoint atomically (see {@link AtomicFile}). */
    public static void save(Path file, Checkpoint c) throws IOException {
        byte[] bytes = encode(c);
        AtomicFile.write(file, out -> out.write(bytes));
    }

    /** u32 count, then each tensor: name, rank, dims, values. */
    static void writeTensors(DataOutputStream p, List<NamedArray> tensors) throws IOException {
        p.writeInt(tensors.size());
        for (NamedArray a : tensors) writeTensor(p, a);
    }

    private static void writeTensor(DataOutputStream p, NamedArray a) throws IOException {
        writeString(p, a.name());
        int[] shape = a.shape();
        p.writeInt(shape.length);
        for (int d : shape) p.writeInt(d);
        writeFloats(p, a.values());
    }

    private static void writeFloats(DataOutputStream p, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES);
        b.asFloatBuffer().put(values);
        p.write(b.array());
    }

    static void writeString(DataOutputStream p, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_NAME_BYTES) throw new IllegalArgumentException("name too long: " + s);
        p.writeShort(utf8.length);
        p.write(utf8);
    }

    // ---- reading ----------------------------------------------------------------------------------

    /** Reads and validates a checkpoint file (format only; {@link Checkpoint#restoreInto} checks the fit). */
    public static Checkpoint load(Path file) throws IOException {
        byte[] bytes = readFile(file);
        try {
            return decode(bytes);
        } catch (CheckpointException e) {
            throw new CheckpointException(file + ": " + e.getMessage());
        }
    }

    /** A checkpoint file's bytes, refusing a missing file or one larger than {@link #MAX_FILE_BYTES}. */
    static byte[] readFile(Path file) throws IOException {
        InputFile.check(file, "checkpoint", "a checkpoint file");
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new CheckpointException(file + ": " + size + " bytes is larger than any checkpoint this build reads ("
                    + MAX_FILE_BYTES + ")");
        }
        return Files.readAllBytes(file);
    }

    /** Parses and validates a whole checkpoint file's bytes. */
    public static Checkpoint decode(byte[] bytes) throws CheckpointException {
        ByteBuffer p = payload(bytes);
        try {
            return parsePayload(p);
        } catch (BufferUnderflowException e) {
            // Cannot happen: every read is preceded by a check. Kept as a last line of defence.
            throw new CheckpointException("corrupt payload: unexpected end at byte " + p.position());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("corrupt payload: " + e.getMessage());
        }
    }

    /** Checks the header (magic, version, length, CRC-32) and returns the payload it vouches for. */
    static ByteBuffer payload(byte[] bytes) throws CheckpointException {
        if (bytes.length == 0) throw new CheckpointException("empty file (0 bytes): not a checkpoint");
        int magicLength = Math.min(bytes.length, MAGIC.length);
        for (int i = 0; i < magicLength; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new CheckpointException("not a JitGrad checkpoint: wrong magic "
                        + HexFormat.of().formatHex(bytes, 0, magicLength) + " (expected "
                        + HexFormat.of().formatHex(MAGIC) + ")");
            }
        }
        if (bytes.length < HEADER_BYTES) {
            throw new CheckpointException("truncated header: " + bytes.length + " bytes, a checkpoint header has " + HEADER_BYTES);
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, HEADER_BYTES);
        header.position(VERSION_OFFSET);
        int version = header.getInt();
        if (version != VERSION) {
            throw new CheckpointException("unknown checkpoint version " + Integer.toUnsignedString(version)
                    + " (this build reads version " + VERSION + ")");
        }
        long declared = header.getLong();
        int storedCrc = header.getInt();
        long present = bytes.length - HEADER_BYTES;
        if (declared < 0 || declared > present) {
            throw new CheckpointException("truncated: header declares " + declared + " payload bytes, file holds " + present);
        }
        if (declared < present) {
            throw new CheckpointException("trailing data: header declares " + declared + " payload bytes, file holds " + present);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, HEADER_BYTES, (int) declared);
        if ((int) crc.getValue() != storedCrc) {
            throw new CheckpointException(String.format("checksum mismatch: stored CRC-32 %08x, computed %08x (the file is corrupt)",
                    storedCrc, (int) crc.getValue()));
        }
        return ByteBuffer.wrap(bytes, HEADER_BYTES, (int) declared).slice();
    }

    private static Checkpoint parsePayload(ByteBuffer p) throws CheckpointException {
        String kind = readString(p, "model kind");
        if (kind.equals(GptCheckpointFile.KIND)) {
            throw new CheckpointException("this is a GPT checkpoint (written by jitgrad gpt train); use it with jitgrad gpt sample --load");
        }
        ModelKind modelKind = ModelKind.fromId(kind);
        if (modelKind == null) {
            throw new CheckpointException("unsupported model kind '" + kind + "' (this build knows mlp, cnn and gpt)");
        }
        String activationName = readString(p, "activation");
        Activation activation;
        try {
            activation = Activation.parse(activationName);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("corrupt payload: unknown activation '" + activationName + "'");
        }
        int layers = readCount(p, "layer count", Integer.BYTES);
        if (layers < 2 || layers > ModelSpec.MAX_LAYERS) {
            throw new CheckpointException("corrupt payload: layer count " + layers + " outside 2.." + ModelSpec.MAX_LAYERS);
        }
        int[] sizes = new int[layers];
        for (int i = 0; i < layers; i++) sizes[i] = p.getInt();
        need(p, 8, "input normalization");
        InputNorm norm = new InputNorm(p.getFloat(), p.getFloat());
        ModelSpec spec = new ModelSpec(modelKind, sizes, activation, norm);

        List<NamedArray> tensors = readTensors(p);

        String optimizerKind = readString(p, "optimizer kind");
        OptimizerState state = null;
        if (!optimizerKind.equals("none")) {
            OptimizerKind ok;
            try {
                ok = OptimizerKind.valueOf(optimizerKind.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException("corrupt payload: unknown optimizer kind '" + optimizerKind + "'");
            }
            need(p, 4 + 4 + 8, "optimizer settings");
            float lr = p.getFloat();
            float momentum = p.getFloat();
            long steps = p.getLong();
            int arrayCount = readCount(p, "optimizer array count", 2 + 4);
            List<NamedArray> arrays = new ArrayList<>();
            for (int i = 0; i < arrayCount; i++) {
                String name = readString(p, "optimizer array name");
                int length = readCount(p, "length of optimizer array '" + name + "'", Float.BYTES);
                arrays.add(new NamedArray(name, new int[] {length}, readFloats(p, length, "optimizer array '" + name + "'")));
            }
            state = new OptimizerState(ok, lr, momentum, steps, arrays);
        }
        int epochs = readCount(p, "epoch count", 0);
        String dataset = readString(p, "dataset name");
        if (p.hasRemaining()) {
            throw new CheckpointException("corrupt payload: " + p.remaining() + " unexpected bytes after the last field");
        }
        long stored = 0;
        for (NamedArray t : tensors) stored += t.size();
        if (stored != spec.parameterCount()) {
            // Checked here so that a forged description cannot make eval or predict build a huge model before
            // restoreInto compares it with the tensors.
            throw new CheckpointException("corrupt payload: the model " + spec.describe() + " has " + spec.parameterCount()
                    + " parameters but the file holds " + stored + " values in " + tensors.size() + " tensors");
        }
        return new Checkpoint(spec, tensors, state, epochs, dataset);
    }

    /** u32 count, then each tensor: name, rank, dims and values, every count checked against the bytes left. */
    static List<NamedArray> readTensors(ByteBuffer p) throws CheckpointException {
        int tensorCount = readCount(p, "tensor count", 2 + 4);
        List<NamedArray> tensors = new ArrayList<>();
        for (int t = 0; t < tensorCount; t++) {
            String name = readString(p, "tensor name");
            int rank = readCount(p, "rank of tensor '" + name + "'", Integer.BYTES);
            if (rank > MAX_RANK) throw new CheckpointException("corrupt payload: tensor '" + name + "' has rank " + rank);
            int[] dims = new int[rank];
            long elements = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = p.getInt();
                if (dims[i] < 0) throw new CheckpointException("corrupt payload: tensor '" + name + "' has negative dimension " + dims[i]);
                elements *= dims[i];
                if (elements > Integer.MAX_VALUE) {
                    throw new CheckpointException("corrupt payload: tensor '" + name + "' claims more than 2^31 values");
                }
            }
            tensors.add(new NamedArray(name, dims, readFloats(p, (int) elements, "tensor '" + name + "'")));
        }
        return tensors;
    }

    /** Checks that {@code bytes} remain. */
    static void need(ByteBuffer p, long bytes, String what) throws CheckpointException {
        if (bytes > p.remaining()) {
            throw new CheckpointException("corrupt payload: " + what + " needs " + bytes + " bytes but only " + p.remaining()
                    + " remain");
        }
    }

    /**
     * Reads a u32 count of items of at least {@code minItemBytes} each, rejecting one that the rest of
     * the file cannot hold (negative counts included) before anything is allocated for it.
     */
    static int readCount(ByteBuffer p, String what, int minItemBytes) throws CheckpointException {
        need(p, Integer.BYTES, what);
        int count = p.getInt();
        if (count < 0) throw new CheckpointException("corrupt payload: " + what + " is " + Integer.toUnsignedString(count));
        if ((long) count * minItemBytes > p.remaining()) {
            throw new CheckpointException("corrupt payload: " + what + " claims " + count + " items ("
                    + (long) count * minItemBytes + "+ bytes) but only " + p.remaining() + " bytes remain");
        }
        return count;
    }

    static float[] readFloats(ByteBuffer p, int count, String what) throws CheckpointException {
        long bytes = (long) count * Float.BYTES;
        if (bytes > p.remaining()) {
            throw new CheckpointException("corrupt payload: " + what + " claims " + count + " values (" + bytes
                    + " bytes) but only " + p.remaining() + " bytes remain");
        }
        float[] values = new float[count];
        p.asFloatBuffer().get(values);
        p.position(p.position() + (int) bytes);
        return values;
    }

    static String readString(ByteBuffer p, String what) throws CheckpointException {
        need(p, 2, what);
        int length = Short.toUnsignedInt(p.getShort());
        if (length > MAX_NAME_BYTES) throw new CheckpointException("corrupt payload: " + what + " of " + length + " bytes");
        need(p, length, what);
        byte[] utf8 = new byte[length];
        p.get(utf8);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException("corrupt payload: " + what + " is not valid UTF-8");
        }
    }
}
