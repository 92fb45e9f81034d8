package org.jitgrad.app.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jitgrad.files.AtomicFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed save never replaces or damages the previous good checkpoint, and leaves no temporary file. */
class AtomicWriteTest {
    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void failureWhileWritingKeepsThePreviousCheckpoint() throws IOException {
        Path target = dir.resolve("model.ckpt");
        CheckpointFile.save(target, Fixtures.trained(1));
        byte[] first = Files.readAllBytes(target);
        byte[] second = CheckpointFile.encode(Fixtures.trained(2));

        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(target, out -> {
            out.write(second, 0, second.length / 2);
            out.flush();
            throw new IOException("simulated: disk full");
        }));
        assertEquals("simulated: disk full", e.getMessage());
        assertArrayEquals(first, Files.readAllBytes(target));
        assertEquals(List.of(target), files(), "the temporary file must be deleted");
        CheckpointFile.load(target); // still valid

        assertThrows(UncheckedIOException.class, () -> AtomicFile.write(target, out -> {
            out.write(second, 0, 100);
            throw new UncheckedIOException(new IOException("simulated crash"));
        }));
        assertArrayEquals(first, Files.readAllBytes(target));
        assertEquals(List.of(target), files());

        CheckpointFile.save(target, Fixtures.trained(2));
        assertArrayEquals(second, Files.readAllBytes(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void aNewFileHasTheUsualPermissionsAndAReplacedOneKeepsItsOwn() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions only");
        // What the umask gives any new file (0644 with umask 022), not the 0600 of a temporary file.
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createFile(dir.resolve("control")));
        Path target = dir.resolve("model.ckpt");
        CheckpointFile.save(target, Fixtures.trained(1));
        assertEquals(PosixFilePermissions.toString(usual), PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));

        Set<PosixFilePermission> chosen = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(target, chosen);
        CheckpointFile.save(target, Fixtures.trained(2));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals(List.of(dir.resolve("control"), target), files().stream().sorted().toList());
    }

    @Test
    void unwritableDestinationFailsCleanly() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        Path target = notADirectory.resolve("model.ckpt");
        assertThrows(IOException.class, () -> CheckpointFile.save(target, Fixtures.trained(1)));
        assertEquals(List.of(notADirectory), files());
        assertEquals("x", Files.readString(notADirectory));
    }

    @Test
    void readOnlyDirectoryKeepsTheOldFile() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("ro"));
        Path target = sub.resolve("model.ckpt");
        CheckpointFile.save(target, Fixtures.trained(1));
        byte[] first = Files.readAllBytes(target);
        assertTrue(sub.toFile().setWritable(false, false));
        try {
            if (Files.isWritable(sub)) return; // running as root: permissions are not enforced
            assertThrows(IOException.class, () -> CheckpointFile.save(target, Fixtures.trained(2)));
            assertArrayEquals(first, Files.readAllBytes(target));
        } finally {
            sub.toFile().setWritable(true, false);
        }
    }
}
