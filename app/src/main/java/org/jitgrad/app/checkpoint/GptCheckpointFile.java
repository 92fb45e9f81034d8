package org.jitgrad.app.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.jitgrad.data.CharVocabulary;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.files.AtomicFile;

/**
 * The GPT checkpoint: {@link CheckpointFile}'s header (magic "JGRDCKPT", version 1, payload length,
 * CRC-32) and tensor encoding, with model kind "gpt". All numbers are big-endian.
 *
 * <pre>
 * payload
 *   model:      string kind ("gpt"), u32 vocab size, u32 block, u32 n_layer, u32 n_head, u32 n_embd,
 *               f32 dropout, u8 bias (0 or 1)
 *   vocabulary: u32 V (= vocab size), V x u32 code point, strictly ascending (token i is the i-th)
 *   tensors:    u32 T, then T x (string name, u32 rank, u32[rank] dims, f32[prod dims] values),
 *               nanoGPT's names in the model's order, the tied head once (as transformer.wte.weight)
 *   training:   u64 iterations, string dataset
 * string = u16 byte length + UTF-8 bytes
 * </pre>
 *
 * No optimizer state: the file is for sampling. Reading treats it as untrusted, as {@link CheckpointFile}
 * does; the configuration is validated, and {@link GptCheckpoint#build()} checks the tensors add up to
 * the configuration's parameter count before allocating a model.
 */
public final class GptCheckpointFile {
    /** The model kind string. */
    public static final String KIND = "gpt";
    /** Largest dimension accepted in a stored configuration: far above any model this build can train. */
    static final int MAX_DIMENSION = 1 << 20;

    private GptCheckpointFile() {}

    /** The whole file as bytes. */
    public static byte[] encode(GptCheckpoint c) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
            DataOutputStream p = new DataOutputStream(bytes);
            GptConfig config = c.config();
            CheckpointFile.writeString(p, KIND);
            p.writeInt(config.vocabSize());
            p.writeInt(config.block());
            p.writeInt(config.nLayer());
            p.writeInt(config.nHead());
            p.writeInt(config.nEmbd());
            p.writeFloat(config.dropout());
            p.writeByte(config.bias() ? 1 : 0);
            int[] codePoints = c.vocabulary().codePoints();
            p.writeInt(codePoints.length);
            for (int cp : codePoints) p.writeInt(cp);
            CheckpointFile.writeTensors(p, c.parameters());
            p.writeLong(c.iterations());
            CheckpointFile.writeString(p, c.dataset());
            p.flush();
            return CheckpointFile.frame(bytes.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }

    /** Writes the checkpoint atomically (see {@link AtomicFile}). */
    public static void save(Path file, GptCheckpoint c) throws IOException {
        byte[] bytes = encode(c);
        AtomicFile.write(file, out -> out.write(bytes));
    }

    /** Reads and validates a GPT checkpoint file. */
    public static GptCheckpoint load(Path file) throws IOException {
        byte[] bytes = CheckpointFile.readFile(file);
        try {
            return decode(bytes);
        } catch (CheckpointException e) {
            throw new CheckpointException(file + ": " + e.getMessage());
        }
    }

    /** Parses and validates a whole GPT checkpoint file's bytes. */
    public static GptCheckpoint decode(byte[] bytes) throws CheckpointException {
        ByteBuffer p = CheckpointFile.payload(bytes);
        try {
            return parse(p);
        } catch (BufferUnderflowException e) {
            throw new CheckpointException("corrupt payload: unexpected end at byte " + p.position());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("corrupt payload: " + e.getMessage());
        }
    }

    private static GptCheckpoint parse(ByteBuffer p) throws CheckpointException {
        String kind = CheckpointFile.readString(p, "model kind");
        if (kind.equals("mlp") || kind.equals("cnn")) {
            throw new CheckpointException("this is " + (kind.equals("mlp") ? "an MLP" : "a CNN") + " checkpoint (written by "
                    + "jitgrad train); gpt sample needs one written by jitgrad gpt train --save");
        }
        if (!kind.equals(KIND)) throw new CheckpointException("unsupported model kind '" + kind + "' (expected gpt)");
        CheckpointFile.need(p, 5 * Integer.BYTES + Float.BYTES + 1, "GPT configuration");
        int vocab = dimension(p, "vocab size");
        int block = dimension(p, "block");
        int nLayer = dimension(p, "n_layer");
        int nHead = dimension(p, "n_head");
        int nEmbd = dimension(p, "n_embd");
        float dropout = p.getFloat();
        byte bias = p.get();
        if (bias != 0 && bias != 1) throw new CheckpointException("corrupt payload: bias flag is " + bias + ", expected 0 or 1");
        GptConfig config = new GptConfig(vocab, block, nLayer, nHead, nEmbd, dropout, bias == 1);
        int count = CheckpointFile.readCount(p, "vocabulary size", Integer.BYTES);
        if (count != vocab) {
            throw new CheckpointException("corrupt payload: the vocabulary lists " + count + " characters, the configuration says "
                    + vocab);
        }
        int[] codePoints = new int[count];
        for (int i = 0; i < count; i++) codePoints[i] = p.getInt();
        CharVocabulary vocabulary = CharVocabulary.ofCodePoints(codePoints);
        List<NamedArray> tensors = CheckpointFile.readTensors(p);
        CheckpointFile.need(p, Long.BYTES, "iteration count");
        long iterations = p.getLong();
        if (iterations < 0) throw new CheckpointException("corrupt payload: negative iteration count " + iterations);
        String dataset = CheckpointFile.readString(p, "dataset name");
        if (p.hasRemaining()) {
            throw new CheckpointException("corrupt payload: " + p.remaining() + " unexpected bytes after the last field");
        }
        return new GptCheckpoint(config, vocabulary, tensors, iterations, dataset);
    }

    private static int dimension(ByteBuffer p, String what) throws CheckpointException {
        int v = p.getInt();
        if (v < 1 || v > MAX_DIMENSION) {
            throw new CheckpointException("corrupt payload: " + what + " " + Integer.toUnsignedString(v) + " outside 1.."
                    + MAX_DIMENSION);
        }
        return v;
    }
}
