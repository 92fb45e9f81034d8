package org.jitgrad.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jitgrad.cluster.grid.GridSerialization;

/**
 * Starts the embedded Hazelcast member: TCP-IP join on the listed addresses only (multicast and
 * auto-detection off), bound to this member's address, no phone-home, no shutdown hook of its
 * own, Java serialization refused, the two maps this module uses. Then waits for the cluster to
 * reach the minimum size, or fails naming the addresses it tried.
 */
final class EmbeddedCluster {
    /** The group's bookkeeping: one entry. */
    static final String GROUP_MAP = "jitgrad.group";
    /** The chunk sums: two slots of every chunk, for the round in progress and the one before. */
    static final String CHUNK_MAP = "jitgrad.chunks";

    /** Hazelcast's INFO lines (banner, partition tables) are not for the command line: warnings and worse only. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");
    private static final long POLL_MILLIS = 50;
    /**
     * How long a starting member looks for the listed members before forming a cluster of its own (and
     * the connect timeout of each attempt). Longer only delays the first member; a member that starts
     * alone by mistake is merged into the others' cluster within seconds (the merge delays below).
     */
    private static final int JOIN_CONNECTION_SECONDS = 2;

    private EmbeddedCluster() {}

    /** The Hazelcast configuration for {@code s}. */
    static Config config(ClusterSettings s) {
        Config c = new Config();
        c.setClusterName(s.clusterName());
        c.setInstanceName("jitgrad-" + s.clusterName() + "-" + s.bind().port() + "-" + Long.toHexString(System.nanoTime()));
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.logging.type", "jdk");
        c.setProperty("hazelcast.socket.bind.any", "false");
        // Members are listed explicitly: no need to wait for others to show up before deciding to form a cluster.
        c.setProperty("hazelcast.wait.seconds.before.join", "1");
        c.setProperty("hazelcast.max.wait.seconds.before.join", "2");
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(Math.max(2, s.memberTimeout().toSeconds())));
        // Two members started at the same instant may each form a cluster of one; merge them soon.
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        c.getMetricsConfig().setEnabled(false);
        c.getJetConfig().setEnabled(false);

        NetworkConfig net = c.getNetworkConfig();
        net.setPort(s.bind().port()).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface(ipOf(s.bind()));
        net.getRestApiConfig().setEnabled(false);
        net.getMemcacheProtocolConfig().setEnabled(false);
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        List<String> members = new ArrayList<>();
        for (MemberAddress a : s.members()) members.add(a.toString());
        join.getTcpIpConfig().setEnabled(true).setMembers(members)
                .setConnectionTimeoutSeconds(JOIN_CONNECTION_SECONDS);

        c.getSerializationConfig().addDataSerializableFactory(GridSerialization.FACTORY_ID, new GridSerialization());
        // An allow-list naming one class that does not exist: no class may be read with Java serialization.
        c.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
                .setWhitelist(new ClassFilter().addClasses("org.jitgrad.cluster.NoJavaSerialization")));
        for (String name : List.of(GROUP_MAP, CHUNK_MAP)) {
            MapConfig m = new MapConfig(name)
                    .setInMemoryFormat(InMemoryFormat.OBJECT)   // entry processors update sums in place
                    .setBackupCount(1)
                    .setStatisticsEnabled(false);
            // After a split cluster heals, keep the surviving side's rounds; the merged side re-enrols.
            m.getMergePolicyConfig().setPolicy(DiscardMergePolicy.class.getName());
            c.addMapConfig(m);
        }
        return c;
    }

    /**
     * Starts the member and waits until the cluster has {@code s.minMembers()} members.
     *
     * @throws ClusterUnreachableException when the cluster does not reach that size within the join
     *                                     timeout (the member is shut down first)
     * @throws IllegalStateException       when Hazelcast cannot start (the port is taken, say)
     */
    static HazelcastInstance start(ClusterSettings s) {
        if (HAZELCAST_LOG.getLevel() == null) HAZELCAST_LOG.setLevel(Level.WARNING);
        long t0 = System.nanoTime();
        long deadline = t0 + s.joinTimeout().toNanos();
        HazelcastInstance hz;
        try {
            hz = Hazelcast.newHazelcastInstance(config(s));
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not start the cluster member on " + s.bind() + " (is the port taken, or the address"
                    + " not one of this machine's?): " + e.getMessage(), e);
        }
        try {
            while (hz.getCluster().getMembers().size() < s.minMembers()) {
                if (System.nanoTime() > deadline) {
                    throw new ClusterUnreachableException(String.format(java.util.Locale.ROOT,
                            "could not reach the cluster '%s': this member (%s) found %d of the %d members it needs within %.1f s;"
                                    + " tried %s (members seen: %s). Check that the other members are running with the same"
                                    + " --cluster-name and --cluster list, and that these addresses and ports are reachable.",
                            s.clusterName(), s.bind(), hz.getCluster().getMembers().size(), s.minMembers(),
                            (System.nanoTime() - t0) / 1e9, join(s.members()), seen(hz)));
                }
                Thread.sleep(POLL_MILLIS);
            }
            return hz;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            hz.getLifecycleService().terminate();
            throw new IllegalStateException("interrupted while waiting for the cluster's members", e);
        } catch (RuntimeException e) {
            hz.shutdown();   // alone, or with members that are not enough: nothing to hand over, and quieter than terminate()
            throw e;
        }
    }

    /** The members currently seen, {@code host:port} each. */
    static String seen(HazelcastInstance hz) {
        StringJoiner j = new StringJoiner(", ");
        for (Member m : hz.getCluster().getMembers()) j.add(m.getAddress().getHost() + ":" + m.getAddress().getPort());
        return j.toString();
    }

    private static String join(List<MemberAddress> addresses) {
        StringJoiner j = new StringJoiner(", ");
        for (MemberAddress a : addresses) j.add(a.toString());
        return j.toString();
    }

    private static String ipOf(MemberAddress a) {
        try {
            return InetAddress.getByName(a.host()).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("this member's address " + a + ": unknown host '" + a.host() + "'", e);
        }
    }
}
