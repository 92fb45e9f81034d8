package org.jitgrad.data;

import java.io.IOException;

/**
 * Thrown when a data file is readable but its content does not match the expected format:
 * a wrong magic number, a bad dimension, a count the file cannot hold, a value out of range,
 * a truncated or corrupt stream.
 *
 * <p>The message always names the file (or stream) at fault and, where there is one, the
 * offending value and its position (line, column, index).
 */
public final class DataFormatException extends IOException {

    /**
     * Creates an exception with the given message.
     *
     * @param message description naming the source and the value at fault
     */
    public DataFormatException(String message) {
        super(message);
    }

    /**
     * Creates an exception with the given message and underlying cause.
     *
     * @param message description naming the source and the value at fault
     * @param cause the low-level error (for example a {@link java.util.zip.ZipException})
     */
    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
