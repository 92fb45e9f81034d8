package org.jitgrad.app.cluster;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Keeps the warnings Hazelcast logs while test members come and go out of the test output. */
final class QuietHazelcast {
    private static final Logger HAZELCAST = Logger.getLogger("com.hazelcast");

    private QuietHazelcast() {}

    static void apply() {
        HAZELCAST.setLevel(Level.SEVERE);
    }
}
