package org.jitgrad.app.checkpoint;

import java.io.IOException;

/** A checkpoint file that cannot be used: corrupt, truncated, of another version, or for another model. */
public final class CheckpointException extends IOException {
    public CheckpointException(String message) { super(message); }
}
