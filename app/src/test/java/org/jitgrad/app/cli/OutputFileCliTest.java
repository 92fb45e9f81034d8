package org.jitgrad.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every option that names a file to write is checked before any data is loaded or any training runs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutputFileCliTest {
    @TempDir
    Path dir;

    private static CliEndToEndTest.Run run(String... args) {
        return CliEndToEndTest.run(args);
    }

    /** Exit 1, the one expected line on stderr, nothing on stdout (no data loaded, no training started). */
    private static void refused(CliEndToEndTest.Run r, String message) {
        assertEquals(1, r.code(), r.err());
        assertEquals("error: " + message, r.err().strip());
        assertEquals("", r.out(), "nothing done before the check");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void aMissingFolderIsRefusedByEveryCommandBeforeItWorks() throws IOException {
        Path missing = dir.resolve("nonexistent");
        String x = missing.resolve("x.out").toString();
        refused(run("train", "--dataset", "digits", "--epochs", "1", "--save", x), "--save: directory " + missing + " does not exist");
        refused(run("train", "--dataset", "digits", "--epochs", "1", "--plot", x), "--plot: directory " + missing + " does not exist");
        refused(run("gpt", "train", "--save", x), "--save: directory " + missing + " does not exist");
        refused(run("gpt", "train", "--plot", x), "--plot: directory " + missing + " does not exist");
        refused(run("export", dir.resolve("any.ckpt").toString(), "--safetensors", x),
                "--safetensors: directory " + missing + " does not exist");
        refused(run("serve", "--port", "0", "--no-warmup", "--save", x), "--save: directory " + missing + " does not exist");
        assertEquals(List.of(), files(), "nothing written");
    }

    @Test
    void aFolderOrAFileInPlaceOfAFolderIsRefused() throws IOException {
        refused(run("train", "--dataset", "digits", "--save", dir.toString()),
                "--save: " + dir + " is a directory; give a file name (e.g. " + dir.resolve("out") + ")");
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        refused(run("gpt", "train", "--plot", plain.resolve("curves.png").toString()), "--plot: " + plain + " is not a directory");
        assertEquals("x", Files.readString(plain));
    }

    @Test
    void aReadOnlyFolderIsRefused() throws IOException {
        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        assertTrue(readOnly.toFile().setWritable(false, false));
        try {
            assumeFalse(Files.isWritable(readOnly), "running as root: permissions are not enforced");
            refused(run("train", "--dataset", "digits", "--save", readOnly.resolve("x.ckpt").toString()),
                    "--save: directory " + readOnly + " is not writable");
        } finally {
            readOnly.toFile().setWritable(true, false);
        }
    }
}
