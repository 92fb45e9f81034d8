package org.jitgrad.app.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    @Test
    void bundledFilesMatchTheirDigests() throws IOException {
        Path data = DataRoot.resolve(null);
        for (var e : Datasets.BUNDLED_SHA256.entrySet()) {
            assertEquals(e.getValue(), Sha256.of(data.resolve(e.getKey())), e.getKey());
        }
    }

    @Test
    void aDamagedBundledFileIsNamed() throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        byte[] bytes = Files.readAllBytes(DataRoot.resolve(null).resolve(Datasets.DIGITS_FILE));
        bytes[bytes.length / 2] ^= 1;
        Files.write(data.resolve(Datasets.DIGITS_FILE), bytes);
        DataIntegrityException e = assertThrows(DataIntegrityException.class,
                () -> Datasets.load(DatasetName.DIGITS, DataRoot.resolve(dir), null));
        assertTrue(e.getMessage().startsWith(data.resolve(Datasets.DIGITS_FILE) + ": sha256 mismatch: expected 46abec6b"),
                e.getMessage());
    }

    @Test
    void digitsSplitIsFixed() throws IOException {
        Datasets.TrainTest a = Datasets.load(DatasetName.DIGITS, DataRoot.resolve(null), null);
        assertEquals(1438, a.train().size());
        assertEquals(359, a.test().size());
    }
}
