package org.jitgrad.cluster;

/** This member could not form a cluster of the members it needs within the join timeout. */
public final class ClusterUnreachableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ClusterUnreachableException(String message) {
        super(message);
    }
}
