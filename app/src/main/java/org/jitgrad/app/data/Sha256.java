package org.jitgrad.app.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files, for checking the bundled data. */
public final class Sha256 {
    private Sha256() {}

    /** The lowercase hex digest of the file's bytes. */
    public static String of(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The lowercase hex digest of {@code bytes}. */
    public static String of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /**
     * Checks a file against its expected digest.
     *
     * @throws DataIntegrityException naming the file and both digests on a mismatch
     */
    public static void verify(Path file, String expected) throws IOException {
        String actual = of(file);
        if (!actual.equals(expected)) {
            throw new DataIntegrityException(file + ": sha256 mismatch: expected " + expected + ", got " + actual
                    + " (the bundled file is damaged or was replaced; restore it with git checkout)");
        }
    }
}
