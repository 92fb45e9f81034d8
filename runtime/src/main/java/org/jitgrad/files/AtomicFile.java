package org.jitgrad.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file all at once: the content goes to a temporary file in the same folder, which is
 * flushed and forced to disk, then renamed over the target with an atomic move. A crash or an
 * exception at any point leaves either the old file or the complete new one, never a mix; the
 * temporary file is deleted on failure.
 *
 * <p>The new file gets the permissions of any newly created file (0666 less the umask, e.g. 0644 with
 * umask 022), or, when it replaces a file, that file's permissions (where the file system has POSIX
 * permissions). The temporary file is created without {@link Files#createTempFile}, whose 0600 would
 * otherwise carry through the rename.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes the content. */
    @FunctionalInterface
    public interface Body {
        /**
         * Writes the whole content to {@code out}, a buffered stream over the temporary file. Need not flush or
         * close it; {@link AtomicFile#write} does.
         *
         * @throws IOException to abandon the write; the target is then left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically with what {@code body} produces. Concurrent writers of one target each
     * use their own temporary file; the last rename wins.
     *
     * @throws IOException if the temporary file cannot be created or written, {@code body} throws, or the file system
     *                     cannot rename atomically; the target is then unchanged and the temporary file deleted
     */
    public static void write(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Set<PosixFilePermission> keep = existingPermissions(absolute);
        Path temp = null;
        FileChannel created = null;
        while (created == null) {
            temp = dir.resolve("." + absolute.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                // No file attributes: the operating system applies the umask to 0666, as for any new file.
                created = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException taken) {
                // another writer's temporary file: draw another name
            }
        }
        boolean moved = false;
        try {
            try (FileChannel channel = created) {
                if (keep != null) Files.setPosixFilePermissions(temp, keep);
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                body.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + absolute + " atomically on this file system: " + e.getMessage(), e);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) Files.deleteIfExists(temp);
        }
    }

    /** The permissions of the file being replaced, or null when there is none or no POSIX view. */
    private static Set<PosixFilePermission> existingPermissions(Path target) {
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (view == null || !Files.isRegularFile(target)) return null;
        try {
            return view.readAttributes().permissions();
        } catch (IOException | RuntimeException e) {
            return null;  // unreadable attributes: the new file keeps the default permissions
        }
    }

    /** Makes the rename durable where the platform allows opening a folder (Linux); best effort elsewhere. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Not supported on this platform (e.g. Windows): the rename itself is still atomic.
        }
    }
}
