package org.jitgrad.app.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.optim.SGD;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real checkpoints, corrupted in every way the format guards against; the live model must never change. */
class CheckpointFormatTest {
    @TempDir
    Path dir;

    Checkpoint saved;
    byte[] good;
    Sequential victim;
    Adam victimAdam;
    List<float[]> before;

    @BeforeEach
    void setUp() {
        saved = Fixtures.trained(1);
        good = CheckpointFile.encode(saved);
        victim = Fixtures.SPEC.build(99);
        victimAdam = new Adam(victim.parameters(), 0.01f);
        victimAdam.setStepCount(3);
        before = Fixtures.snapshot(victim, victimAdam);
    }

    /** Loads {@code bytes} as a file into the victim; returns the error message. */
    private String rejected(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad.ckpt");
        Files.write(file, bytes);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointFile.load(file).restoreInto(Fixtures.SPEC, victim, victimAdam));
        assertUnchanged();
        return e.getMessage();
    }

    private void assertUnchanged() {
        List<float[]> after = Fixtures.snapshot(victim, victimAdam);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i), after.get(i), "array " + i + " changed");
    }

    private static void assertContains(String message, String part) {
        assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
    }

    @Test
    void roundTripRestoresEverythingExactly() throws IOException {
        Path file = dir.resolve("good.ckpt");
        CheckpointFile.save(file, saved);
        assertArrayEquals(good, Files.readAllBytes(file));
        Checkpoint read = CheckpointFile.load(file);
        assertEquals(Fixtures.SPEC, read.spec());
        assertEquals(2, read.epochs());
        assertEquals("digits", read.dataset());
        assertEquals(Checkpoint.OptimizerRestore.RESTORED, read.restoreInto(Fixtures.SPEC, victim, victimAdam));
        assertArrayEquals(good, CheckpointFile.encode(Checkpoint.capture(Fixtures.SPEC, victim, victimAdam, 2, "digits")));
        assertEquals(5, victimAdam.stepCount());
    }

    @Test
    void aStepCountThatCannotCountOnIsRejectedBeforeAnythingIsRestored() throws IOException {
        OptimizerState o = saved.optimizer();
        Checkpoint forged = new Checkpoint(saved.spec(), saved.parameters(),
                new OptimizerState(o.kind(), o.learningRate(), o.momentum(), Long.MAX_VALUE, o.arrays()), saved.epochs(),
                saved.dataset());
        String message = rejected(CheckpointFile.encode(forged));
        assertContains(message, "step count " + Long.MAX_VALUE + " out of range");
        assertEquals(3, victimAdam.stepCount());
    }

    @Test
    void sgdStateRoundTrips() throws IOException {
        Sequential a = Fixtures.SPEC.build(5);
        SGD sgd = new SGD(a.parameters(), 0.1f, 0.9f);
        Arrays.fill(sgd.velocity(0), 0.25f);
        byte[] bytes = CheckpointFile.encode(Checkpoint.capture(Fixtures.SPEC, a, sgd, 1, "mnist"));
        Sequential b = Fixtures.SPEC.build(6);
        SGD sgd2 = new SGD(b.parameters(), 0.1f, 0.9f);
        assertEquals(Checkpoint.OptimizerRestore.RESTORED, CheckpointFile.decode(bytes).restoreInto(Fixtures.SPEC, b, sgd2));
        assertArrayEquals(sgd.velocity(0), sgd2.velocity(0));
        assertArrayEquals(a.parameters().get(2).storage(), b.parameters().get(2).storage());
        // Another optimizer kind: weights load, the state is reported as not restored.
        Sequential c = Fixtures.SPEC.build(7);
        assertEquals(Checkpoint.OptimizerRestore.DIFFERENT_KIND,
                CheckpointFile.decode(bytes).restoreInto(Fixtures.SPEC, c, new Adam(c.parameters(), 0.1f)));
    }

    @Test
    void emptyFile() throws IOException {
        String m = rejected(new byte[0]);
        assertTrue(m.startsWith(dir.resolve("bad.ckpt") + ": empty file (0 bytes)"), m);
    }

    @Test
    void truncatedAtSeveralPoints() throws IOException {
        for (int at : new int[] {3, 8, 12, 20, 23}) {
            String m = rejected(Arrays.copyOf(good, at));
            assertContains(m, "truncated header");
        }
        for (int at : new int[] {24, 25, 100, good.length / 2, good.length - 1}) {
            String m = rejected(Arrays.copyOf(good, at));
            assertContains(m, "truncated: header declares " + (good.length - 24) + " payload bytes, file holds " + (at - 24));
        }
    }

    @Test
    void trailingData() throws IOException {
        assertContains(rejected(Arrays.copyOf(good, good.length + 3)), "trailing data");
    }

    @Test
    void everyFlippedHeaderByteIsCaught() throws IOException {
        for (int i = 0; i < CheckpointFile.HEADER_BYTES; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x5A;
            String m = rejected(bad);
            String expected = i < 8 ? "wrong magic" : i < 12 ? "unknown checkpoint version" : i < 20 ? "payload bytes" : "checksum mismatch";
            assertContains(m, expected);
        }
    }

    @Test
    void flippedPayloadBytesFailTheChecksum() throws IOException {
        for (int i : new int[] {24, 30, 200, good.length / 2, good.length - 1}) {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            assertContains(rejected(bad), "checksum mismatch");
        }
    }

    @Test
    void unknownVersion() throws IOException {
        byte[] bad = good.clone();
        ByteBuffer.wrap(bad).putInt(CheckpointFile.VERSION_OFFSET, 2);
        assertContains(rejected(bad), "unknown checkpoint version 2 (this build reads version 1)");
    }

    @Test
    void mismatchedLayerSizes() throws IOException {
        ModelSpec other = new ModelSpec(new int[] {64, 16, 10}, Activation.RELU, Fixtures.SPEC.norm());
        Sequential net = other.build(3);
        Adam adam = new Adam(net.parameters(), 0.01f);
        List<float[]> netBefore = Fixtures.snapshot(net, adam);
        Path file = dir.resolve("good.ckpt");
        CheckpointFile.save(file, saved);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.load(file).restoreInto(other, net, adam));
        assertContains(e.getMessage(), "checkpoint does not match the model: checkpoint has 64-32-10 relu");
        assertContains(e.getMessage(), "model is 64-16-10 relu");
        List<float[]> netAfter = Fixtures.snapshot(net, adam);
        for (int i = 0; i < netBefore.size(); i++) assertArrayEquals(netBefore.get(i), netAfter.get(i));
    }

    @Test
    void mismatchedTensorShapeWithTheSameDescription() throws IOException {
        // A checkpoint whose description matches but whose tensors do not (only a forged file can do that).
        List<NamedArray> params = new java.util.ArrayList<>(saved.parameters());
        NamedArray w = params.get(0);
        params.set(0, new NamedArray(w.name(), new int[] {32, 64}, w.values()));
        byte[] forged = CheckpointFile.encode(new Checkpoint(saved.spec(), params, saved.optimizer(), 1, "digits"));
        assertContains(rejected(forged), "tensor '0.weight' has shape [32, 64], model has [64, 32]");
        params.set(0, new NamedArray("0.w", w.shape(), w.values()));
        forged = CheckpointFile.encode(new Checkpoint(saved.spec(), params, saved.optimizer(), 1, "digits"));
        assertContains(rejected(forged), "tensor '0.w' where the model has '0.weight'");
    }

    @Test
    void hugeLengthFieldsInATinyFileAreRejectedBeforeAllocating() throws IOException {
        // A valid header and CRC around a payload that claims a 2^31-1 element tensor.
        assertContains(rejected(forge(p -> {
            p.writeInt(1);
            string(p, "0.weight");
            p.writeInt(1);
            p.writeInt(Integer.MAX_VALUE);
        })), "tensor '0.weight' claims 2147483647 values (8589934588 bytes) but only 0 bytes remain");
        // ... a tensor count of 2^31-1 ...
        assertContains(rejected(forge(p -> p.writeInt(Integer.MAX_VALUE))), "tensor count claims 2147483647 items");
        // ... dimensions whose product overflows an int ...
        assertContains(rejected(forge(p -> {
            p.writeInt(1);
            string(p, "0.weight");
            p.writeInt(2);
            p.writeInt(65536);
            p.writeInt(65536);
        })), "claims more than 2^31 values");
        // ... and an optimizer array of 2^31-1 values.
        assertContains(rejected(forge(p -> {
            p.writeInt(0);
            string(p, "adam");
            p.writeFloat(0.01f);
            p.writeFloat(0f);
            p.writeLong(1);
            p.writeInt(1);
            string(p, "m:0.weight");
            p.writeInt(Integer.MAX_VALUE);
        })), "length of optimizer array 'm:0.weight' claims 2147483647 items");
    }

    interface Body {
        void write(DataOutputStream p) throws IOException;
    }

    /** A checkpoint with a valid model block followed by {@code rest}, with a correct header and CRC. */
    private static byte[] forge(Body rest) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream p = new DataOutputStream(bytes);
        string(p, "mlp");
        string(p, "relu");
        p.writeInt(3);
        p.writeInt(64);
        p.writeInt(32);
        p.writeInt(10);
        p.writeFloat(0.3f);
        p.writeFloat(0.4f);
        rest.write(p);
        byte[] payload = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(payload);
        return ByteBuffer.allocate(24 + payload.length).put(CheckpointFile.MAGIC).putInt(1).putLong(payload.length)
                .putInt((int) crc.getValue()).put(payload).array();
    }

    private static void string(DataOutputStream p, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.writeShort(b.length);
        p.write(b);
    }

    @Test
    void normalizationIsPartOfTheModel() {
        ModelSpec a = new ModelSpec(new int[] {4, 2}, Activation.TANH, new InputNorm(0.1f, 0.2f));
        ModelSpec b = new ModelSpec(new int[] {4, 2}, Activation.TANH, InputNorm.IDENTITY);
        assertTrue(!a.equals(b));
    }
}
