package org.jitgrad.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Clusters for tests: members on 127.0.0.1 at free ports, a cluster name no other test uses, short timeouts. */
final class Loopback {
    private Loopback() {}

    /** {@code n} addresses on 127.0.0.1 whose ports were free a moment ago. */
    static List<MemberAddress> addresses(int n) {
        List<ServerSocket> held = new ArrayList<>();
        List<MemberAddress> out = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                out.add(new MemberAddress("127.0.0.1", s.getLocalPort()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
        return out;
    }

    /**
     * Settings for a member joining {@code running} late, bound to a port reserved just now: a port reserved at the
     * start of a test can meanwhile be taken as the local end of the running members' own connections.
     */
    static ClusterSettings lateMember(List<MemberAddress> running, String name, int minMembers) {
        List<MemberAddress> all = new ArrayList<>(running);
        all.add(addresses(1).get(0));
        return settings(all, all.size() - 1, name, minMembers);
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Member {@code index} of {@code all}, waiting for {@code minMembers}, with timeouts fit for a test. */
    static ClusterSettings settings(List<MemberAddress> all, int index, String name, int minMembers) {
        return ClusterSettings.of(all, name, all.get(index)).withMinMembers(minMembers)
                .withJoinTimeout(Duration.ofSeconds(30)).withRoundTimeout(Duration.ofSeconds(30)).withMemberTimeout(Duration.ofSeconds(3));
    }
}
