package org.jitgrad.interop.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that cannot be read (or a tensor map that cannot be written): the message names the file and the fault. */
public final class SafeTensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A fault in {@code file}. */
    public SafeTensorsException(Path file, String message) {
        super(file + ": " + message);
    }

    /** A fault in {@code file} found by the JSON parser. */
    public SafeTensorsException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
