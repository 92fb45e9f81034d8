package org.jitgrad.app.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The check every command makes of a file it will write ({@code --save}, {@code --plot}, {@code --safetensors}),
 * before it loads data or trains, so that a typo in a folder name fails at once rather than after the work.
 *
 * <p>Files are written atomically (a temporary file in the same folder renamed over the target), so what must
 * hold is that the folder exists and is writable and that the target is not a folder or a special file.
 */
public final class OutputFile {
    private OutputFile() {}

    /**
     * Checks that {@code file} can be written.
     *
     * @param option the option that names the file, for the message (e.g. {@code --save})
     * @param file   the file, or null when the option was not given (then there is nothing to check)
     * @throws IllegalArgumentException naming the option and the path at fault: the folder does not exist, is
     *                                  not a folder or is not writable, or the file is a folder or not a regular file
     */
    public static void check(String option, Path file) {
        if (file == null) return;
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + ": " + file + " is a directory; give a file name (e.g. " + file.resolve("out")
                    + ")");
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + ": " + file + " exists and is not a regular file");
        }
        Path dir = file.getParent() != null ? file.getParent() : file.toAbsolutePath().getParent();
        if (!Files.exists(dir)) throw new IllegalArgumentException(option + ": directory " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(option + ": " + dir + " is not a directory");
        if (!Files.isWritable(dir)) throw new IllegalArgumentException(option + ": directory " + dir + " is not writable");
    }
}
