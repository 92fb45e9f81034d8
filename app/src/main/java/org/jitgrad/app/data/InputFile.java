package org.jitgrad.app.data;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The check of a file the app is about to read (a checkpoint, a text, an image, an IDX or safetensors file), so
 * that a missing file or a folder given in its place is named as such rather than as a read error.
 */
public final class InputFile {
    private InputFile() {}

    /**
     * Checks that {@code file} is a regular file (or a link to one).
     *
     * @param kind     what the file should be, for a missing one: {@code "checkpoint"} gives "checkpoint not found"
     * @param withNoun the same with its article, for a folder: {@code "a checkpoint file"} gives
     *                 "is a directory, not a checkpoint file"
     * @throws NoSuchFileException if it does not exist (or is not a regular file)
     * @throws FileSystemException if it is a folder
     */
    public static void check(Path file, String kind, String withNoun) throws FileSystemException {
        if (Files.isDirectory(file)) throw new FileSystemException(file.toString(), null, "is a directory, not " + withNoun);
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, kind + " not found");
    }
}
