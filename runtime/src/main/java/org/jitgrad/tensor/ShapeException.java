package org.jitgrad.tensor;

/** A tensor operation was given shapes (or axes) it cannot combine; the message names the op and the shapes. */
public class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that names the op and the shapes at fault. */
    public ShapeException(String message) {
        super(message);
    }
}
