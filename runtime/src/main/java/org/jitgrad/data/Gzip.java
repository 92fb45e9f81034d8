package org.jitgrad.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/** Gzip detection by magic number (0x1f8b) and strict decoding, shared by the readers of this package. */
final class Gzip {

    /** Largest decompression ratio DEFLATE can achieve (about 1032:1), used to bound untrusted headers. */
    static final long MAX_RATIO = 1032;

    private static final int BUFFER = 1 << 16;

    private Gzip() {
    }

    /**
     * Tells whether the stream starts with the gzip magic number, without consuming anything.
     *
     * @param in a stream supporting mark/reset
     */
    static boolean startsWithMagic(BufferedInputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b;
    }

    /**
     * Wraps {@code in} in a buffered stream and, if it starts with the gzip magic number, in a
     * decompressing stream.
     *
     * @param in the raw stream
     * @param name the source name used in error messages
     * @return the decoded stream
     */
    static InputStream decodeIfCompressed(InputStream in, String name) throws IOException {
        BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, BUFFER);
        return startsWithMagic(buffered) ? inflate(buffered, name) : buffered;
    }

    /**
     * Opens a gzip stream of one or more members that refuses bytes after the last member (see
     * {@link StrictGzipInputStream}), turning a bad or truncated first header into a {@link DataFormatException}.
     */
    static InputStream inflate(InputStream in, String name) throws IOException {
        try {
            return new StrictGzipInputStream(in, name);
        } catch (EOFException | ZipException e) {
            throw new DataFormatException(name + ": truncated or corrupt gzip header (" + reason(e) + ")", e);
        }
    }

    /** The message of a low-level stream error, or its type when it has none. */
    static String reason(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
