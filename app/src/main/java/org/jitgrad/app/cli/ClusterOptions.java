package org.jitgrad.app.cli;

import java.time.Duration;
import java.util.List;
import org.jitgrad.cluster.ClusterSettings;
import org.jitgrad.cluster.MemberAddress;
import picocli.CommandLine.Option;

/** Where the cluster's members are, for {@code train --cluster} and {@code serve --cluster}. */
public final class ClusterOptions {
    @Option(names = "--cluster", paramLabel = "HOST:PORT,...",
            description = "Train together with the JVMs at these addresses (an embedded Hazelcast cluster, joined over TCP-IP at"
                    + " exactly these addresses; no multicast). This process listens on one of them.")
    String members;

    @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "jitgrad",
            description = "Only members with this name form a cluster (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--join-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up when the cluster's members cannot be reached within this time (default: ${DEFAULT-VALUE}).")
    int joinTimeoutSeconds;

    @Option(names = "--cluster-chunk", paramLabel = "FLOATS", defaultValue = "16384",
            description = "Parameters per map entry, the unit the cluster adds and spreads over members (default: ${DEFAULT-VALUE}).")
    int chunkFloats;

    boolean enabled() { return members != null; }

    List<MemberAddress> addresses() { return MemberAddress.parseList(members); }

    /** The settings for this member at {@code bind}, waiting for {@code minMembers}. */
    ClusterSettings settings(MemberAddress bind, int minMembers) {
        if (joinTimeoutSeconds < 1) throw new IllegalArgumentException("--join-timeout must be >= 1 second, got " + joinTimeoutSeconds);
        return ClusterSettings.of(addresses(), name, bind).withMinMembers(minMembers)
                .withJoinTimeout(Duration.ofSeconds(joinTimeoutSeconds)).withChunkFloats(chunkFloats);
    }
}
