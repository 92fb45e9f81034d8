package org.jitgrad.app.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** The model kind a checkpoint file holds ("mlp" from {@code train}, "gpt" from {@code gpt train}), to choose its reader. */
public final class CheckpointKind {
    private CheckpointKind() {}

    /**
     * Reads the file's header and model kind (checking its magic, version, length and CRC).
     *
     * @throws CheckpointException if the file is not a valid checkpoint
     */
    public static String of(Path file) throws IOException {
        byte[] bytes = CheckpointFile.readFile(file);
        try {
            return CheckpointFile.readString(CheckpointFile.payload(bytes), "model kind");
        } catch (CheckpointException e) {
            throw new CheckpointException(file + ": " + e.getMessage());
        }
    }
}
