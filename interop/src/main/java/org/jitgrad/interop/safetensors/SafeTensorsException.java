package org.jitgrad.interop.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that cannot be read: the message names the file and the fault. (A tensor map that cannot be
 * written is an {@link IllegalArgumentException} from {@link SafeTensors#save}.)
 */
public final class SafeTensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A fault in {@code file}. */
    public SafeTensorsException(Path file, String message) {
        super(file + ": " + message);
    }

    /** A fault in {@code file} found while parsing or checking the header, with its cause (which may be null). */
    public SafeTensorsException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
