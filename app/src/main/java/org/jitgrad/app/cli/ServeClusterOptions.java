package org.jitgrad.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.jitgrad.app.cluster.FleetMerge;
import org.jitgrad.cluster.MemberAddress;
import org.jitgrad.nn.Module;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serve}'s options for a fleet of replicas that average their models periodically. */
public final class ServeClusterOptions {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--merge-every", paramLabel = "SECONDS", defaultValue = "10",
            description = "With --cluster: every SECONDS, the replicas adopt the average of their models, weighted by the examples each"
                    + " trained on since the last merge (default: ${DEFAULT-VALUE}).")
    double mergeEverySeconds;

    @Option(names = "--cluster-rank", paramLabel = "R",
            description = "With --cluster: listen on the R-th address (default: the first listed address of this machine whose port is free).")
    Integer rank;

    /**
     * Null (alone), or this replica's merge, joined with the others' current model in {@code net};
     * {@code terms} (the model's description) must be the other replicas'.
     */
    FleetMerge join(Module net, String terms, PrintWriter log) {
        if (!cluster.enabled()) {
            if (rank != null) throw new IllegalArgumentException("--cluster-rank needs --cluster HOST:PORT,...");
            return null;
        }
        if (!(mergeEverySeconds > 0 && mergeEverySeconds <= 86_400)) {
            throw new IllegalArgumentException("--merge-every must be in (0, 86400] seconds, got " + mergeEverySeconds);
        }
        List<MemberAddress> addresses = cluster.addresses();
        MemberAddress bind;
        if (rank != null) {
            if (rank < 0 || rank >= addresses.size()) {
                throw new IllegalArgumentException("--cluster-rank must be in 0.." + (addresses.size() - 1) + ", got " + rank);
            }
            bind = addresses.get(rank);
        } else {
            bind = firstFreeLocal(addresses);
        }
        return FleetMerge.join(cluster.settings(bind, 1), net, terms, Duration.ofMillis(Math.round(mergeEverySeconds * 1000)), log);
    }

    /** The first address that is one of this machine's and whose port nobody listens on. */
    static MemberAddress firstFreeLocal(List<MemberAddress> addresses) {
        for (MemberAddress a : addresses) {
            try {
                InetAddress ip = InetAddress.getByName(a.host());
                if (!ip.isLoopbackAddress() && NetworkInterface.getByInetAddress(ip) == null) continue;
                try (ServerSocket probe = new ServerSocket(a.port(), 1, ip)) {
                    return a;
                } catch (IOException taken) {
                    // in use: try the next
                }
            } catch (UnknownHostException | SocketException e) {
                // not resolvable here: not this machine's
            }
        }
        throw new IllegalArgumentException("none of the --cluster addresses " + addresses + " is free on this machine (each is in use or"
                + " not one of its addresses); list a free one, or pick one with --cluster-rank");
    }
}
