package org.jitgrad.compile.symbolic;

/**
 * The traced function cannot be compiled once for every size of its dynamic dimension; the message
 * says why (an op parameter or a constant that depends on the size in a way the compiler cannot
 * follow, a graph whose structure changes with the size, ...). The caller falls back to compiling one
 * specialization per shape.
 */
public final class NotSymbolicException extends Exception {
    public NotSymbolicException(String message) {
        super(message, null, false, false);
    }
}
