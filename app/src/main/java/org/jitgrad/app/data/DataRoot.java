package org.jitgrad.app.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository's {@code data/} folder, which holds the bundled MNIST, digits and tinyshakespeare files.
 *
 * <p>In order: an explicit path (the {@code --data-root} option), the system property
 * {@value #PROPERTY} (the {@code ./jitgrad} launcher sets it to the repository root), then the
 * working directory and its parents. A candidate is accepted when it has a {@code data/} folder.
 */
public final class DataRoot {
    /** System property naming the repository root. */
    public static final String PROPERTY = "jitgrad.root";

    private DataRoot() {}

    /**
     * The {@code data/} folder.
     *
     * @param explicitRoot the repository root given on the command line, or null
     * @throws IllegalStateException if none is found, with what was tried
     */
    public static Path resolve(Path explicitRoot) {
        if (explicitRoot != null) return dataOf(explicitRoot, "--data-root");
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) return dataOf(Path.of(property), "-D" + PROPERTY);
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            Path data = p.resolve("data");
            if (Files.isDirectory(data.resolve("mnist")) || Files.isRegularFile(data.resolve(Datasets.DIGITS_FILE))
                    || Files.isRegularFile(data.resolve(TextCorpora.TINY_SHAKESPEARE_FILE))) {
                return p.resolve("data");
            }
        }
        throw new IllegalStateException("cannot find the bundled data/ folder in " + cwd
                + " or its parents; run from the repository root (./jitgrad does) or pass --data-root DIR");
    }

    private static Path dataOf(Path root, String source) {
        Path data = root.resolve("data");
        if (!Files.isDirectory(data)) {
            throw new IllegalStateException(source + " " + root + ": no data/ folder there");
        }
        return data;
    }
}
