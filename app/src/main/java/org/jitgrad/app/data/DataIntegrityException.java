package org.jitgrad.app.data;

import java.io.IOException;

/** A bundled data file whose checksum is not the expected one. */
public final class DataIntegrityException extends IOException {
    public DataIntegrityException(String message) { super(message); }
}
