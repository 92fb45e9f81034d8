package org.jitgrad.cluster;

/** The cluster trains a model of other parameter names or shapes than this member's; it was not let in. */
public final class ModelMismatchException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ModelMismatchException(String message) {
        super(message);
    }
}
