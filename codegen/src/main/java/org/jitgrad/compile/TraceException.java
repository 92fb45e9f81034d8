package org.jitgrad.compile;

/**
 * The traced function did something a compiled graph cannot reproduce: it read tensor values into
 * Java (so its control flow could depend on data), used an op the compiler cannot lower, or returned
 * something unusable. The message names the op or the read.
 */
public class TraceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception whose message names the op or the read at fault. */
    public TraceException(String message) {
        super(message);
    }
}
