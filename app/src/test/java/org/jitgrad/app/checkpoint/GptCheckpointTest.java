package org.jitgrad.app.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jitgrad.data.CharVocabulary;
import org.jitgrad.nn.Gpt;
import org.jitgrad.nn.GptConfig;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** GPT checkpoints: exact round trip, and untrusted files (corrupt, forged, of the other kind) rejected with a reason. */
class GptCheckpointTest {
    static final CharVocabulary VOCAB = CharVocabulary.of("abcdefg\n");
    static final GptConfig CONFIG = new GptConfig(8, 6, 2, 2, 8, 0f, false);

    @TempDir
    Path dir;

    /** Asserts the exact exception type and that the message names every part. */
    static <E extends Throwable> E assertThrowsNaming(Class<E> type, Executable body, String... parts) {
        E e = assertThrows(type, body);
        assertEquals(type, e.getClass());
        for (String part : parts) assertTrue(e.getMessage().contains(part), () -> "expected '" + part + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void roundTripRebuildsTheSameModel() throws IOException {
        Gpt gpt = new Gpt(CONFIG, 17);
        Path file = dir.resolve("g.ckpt");
        GptCheckpointFile.save(file, GptCheckpoint.capture(gpt, VOCAB, 42, "abc.txt"));
        GptCheckpoint read = GptCheckpointFile.load(file);
        assertEquals(CONFIG, read.config());
        assertEquals(VOCAB, read.vocabulary());
        assertEquals(42, read.iterations());
        assertEquals("abc.txt", read.dataset());
        Gpt rebuilt = read.build();
        List<Tensor> a = gpt.parameters(), b = rebuilt.parameters();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).storage(), b.get(i).storage(), "parameter " + i);
        assertArrayEquals(Files.readAllBytes(file), GptCheckpointFile.encode(GptCheckpoint.capture(rebuilt, VOCAB, 42, "abc.txt")));
    }

    @Test
    void eachKindOfCheckpointNamesTheOther() throws IOException {
        byte[] gpt = GptCheckpointFile.encode(GptCheckpoint.capture(new Gpt(CONFIG, 1), VOCAB, 0, ""));
        assertThrowsNaming(CheckpointException.class, () -> CheckpointFile.decode(gpt), "GPT checkpoint", "gpt sample --load");
        byte[] mlp = CheckpointFile.encode(Fixtures.trained(1));
        assertThrowsNaming(CheckpointException.class, () -> GptCheckpointFile.decode(mlp), "MLP checkpoint", "gpt train --save");
    }

    @Test
    void corruptionIsCaughtByTheChecksum() {
        byte[] good = GptCheckpointFile.encode(GptCheckpoint.capture(new Gpt(CONFIG, 1), VOCAB, 0, ""));
        byte[] bad = good.clone();
        bad[good.length / 2] ^= 1;
        assertThrowsNaming(CheckpointException.class, () -> GptCheckpointFile.decode(bad), "checksum mismatch");
    }

    /** A payload with a chosen configuration and vocabulary, and the given tensors, framed with a valid CRC. */
    static byte[] forged(int[] dims, int[] vocab, List<NamedArray> tensors, int biasFlag) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream p = new DataOutputStream(bytes);
        CheckpointFile.writeString(p, "gpt");
        for (int d : dims) p.writeInt(d);
        p.writeFloat(0f);
        p.writeByte(biasFlag);
        p.writeInt(vocab.length);
        for (int c : vocab) p.writeInt(c);
        CheckpointFile.writeTensors(p, tensors);
        p.writeLong(0);
        CheckpointFile.writeString(p, "");
        return CheckpointFile.frame(bytes.toByteArray());
    }

    @Test
    void forgedConfigurationsAreRejectedBeforeAnythingIsAllocated() throws IOException {
        List<NamedArray> real = GptCheckpoint.capture(new Gpt(CONFIG, 1), VOCAB, 0, "").parameters();
        int[] vocab = VOCAB.codePoints();
        // A huge width with the real tensors: caught by the parameter count before a model is built.
        byte[] huge = forged(new int[] {8, 6, 2, 2, 1 << 20}, vocab, real, 0);
        GptCheckpoint c = GptCheckpointFile.decode(huge);
        CheckpointException e = assertThrowsNaming(CheckpointException.class, c::build, "does not match its configuration",
                "hold " + CONFIG.parameterCount() + " values");
        assertTrue(e.getMessage().contains("n_embd 1048576"), e.getMessage());
        assertThrowsNaming(CheckpointException.class, () -> GptCheckpointFile.decode(forged(new int[] {8, 6, 2, 2, 0}, vocab, real, 0)),
                "n_embd 0 outside 1..");
        assertThrowsNaming(CheckpointException.class, () -> GptCheckpointFile.decode(forged(new int[] {8, 6, 2, 3, 8}, vocab, real, 0)),
                "n_embd 8 must be a positive multiple of n_head 3");
        assertThrowsNaming(CheckpointException.class, () -> GptCheckpointFile.decode(forged(new int[] {9, 6, 2, 2, 8}, vocab, real, 0)),
                "vocabulary lists 8 characters", "says 9");
        int[] unsorted = vocab.clone();
        unsorted[0] = 'z';
        assertThrowsNaming(CheckpointException.class, () -> GptCheckpointFile.decode(forged(new int[] {8, 6, 2, 2, 8}, unsorted, real, 0)),
                "strictly ascending");
        assertThrowsNaming(CheckpointException.class, () -> GptCheckpointFile.decode(forged(new int[] {8, 6, 2, 2, 8}, vocab, real, 7)),
                "bias flag is 7");
        // A tensor missing: the count is short.
        byte[] missing = forged(new int[] {8, 6, 2, 2, 8}, vocab, real.subList(1, real.size()), 0);
        assertThrowsNaming(CheckpointException.class, () -> GptCheckpointFile.decode(missing).build(), "does not match its configuration");
        // The right count in the wrong order: names are checked one by one.
        List<NamedArray> swapped = new java.util.ArrayList<>(real);
        java.util.Collections.swap(swapped, 0, 1);
        byte[] reordered = forged(new int[] {8, 6, 2, 2, 8}, vocab, swapped, 0);
        assertThrowsNaming(CheckpointException.class, () -> GptCheckpointFile.decode(reordered).build(),
                "tensor 'transformer.wpe.weight' where the model has 'transformer.wte.weight'");
    }

    @Test
    void restoringIntoAnotherModelChangesNothing() throws IOException {
        GptCheckpoint c = GptCheckpoint.capture(new Gpt(CONFIG, 1), VOCAB, 0, "");
        Gpt other = new Gpt(new GptConfig(8, 6, 1, 2, 8, 0f, false), 2);
        float[] before = other.parameters().get(0).storage().clone();
        assertThrowsNaming(CheckpointException.class, () -> c.restoreInto(other), "n_layer 2", "n_layer 1");
        assertArrayEquals(before, other.parameters().get(0).storage());
    }
}
