package org.jitgrad.cluster;

import java.time.Duration;
import java.util.List;

/**
 * How a member joins the cluster and averages with it.
 *
 * @param members      the addresses of the members (Hazelcast's TCP-IP member list); a new member
 *                     tries them all and joins whichever answers
 * @param clusterName  members with another name never join this cluster
 * @param bind         this member's own address; its port must be free
 * @param minMembers   the members to wait for before the first round: the cluster must reach this
 *                     size, and this many members must have enrolled, within {@code joinTimeout}
 * @param joinTimeout  how long to wait for {@code minMembers}; then joining fails naming the addresses tried
 * @param roundTimeout how long one round may wait for the other members' contributions
 * @param chunkFloats  parameters per map entry: the unit of work of one entry processor
 * @param memberTimeout how long a member may stay silent (no heartbeat) before the others drop it
 *                     from the cluster, and from the rounds
 */
public record ClusterSettings(List<MemberAddress> members, String clusterName, MemberAddress bind, int minMembers,
                              Duration joinTimeout, Duration roundTimeout, int chunkFloats, Duration memberTimeout) {

    /** Default parameters per chunk: 64 KB of floats, so that a 235k-parameter MLP has 15 chunks to spread. */
    public static final int DEFAULT_CHUNK_FLOATS = 16_384;
    /** Largest chunk accepted (4 MB of floats). */
    public static final int MAX_CHUNK_FLOATS = 1 << 20;

    public ClusterSettings {
        if (members == null || members.isEmpty()) throw new IllegalArgumentException("the cluster needs at least one member address");
        members = List.copyOf(members);
        if (clusterName == null || clusterName.isBlank()) throw new IllegalArgumentException("the cluster name is empty");
        if (!clusterName.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("cluster name '" + clusterName + "': use 1-64 letters, digits, '.', '_' or '-'");
        }
        if (bind == null) throw new IllegalArgumentException("this member's own address (bind) is missing");
        if (minMembers < 1) throw new IllegalArgumentException("minMembers must be >= 1, got " + minMembers);
        positive("joinTimeout", joinTimeout);
        positive("roundTimeout", roundTimeout);
        positive("memberTimeout", memberTimeout);
        if (chunkFloats < 1 || chunkFloats > MAX_CHUNK_FLOATS) {
            throw new IllegalArgumentException("chunkFloats must be in 1.." + MAX_CHUNK_FLOATS + ", got " + chunkFloats);
        }
    }

    /**
     * Settings with the defaults: wait for 1 member, join within 60 s, rounds within 10 min,
     * chunks of {@value #DEFAULT_CHUNK_FLOATS} floats, members dropped after 10 s of silence.
     */
    public static ClusterSettings of(List<MemberAddress> members, String clusterName, MemberAddress bind) {
        return new ClusterSettings(members, clusterName, bind, 1, Duration.ofSeconds(60), Duration.ofMinutes(10),
                DEFAULT_CHUNK_FLOATS, Duration.ofSeconds(10));
    }

    public ClusterSettings withMinMembers(int n) {
        return new ClusterSettings(members, clusterName, bind, n, joinTimeout, roundTimeout, chunkFloats, memberTimeout);
    }

    public ClusterSettings withJoinTimeout(Duration d) {
        return new ClusterSettings(members, clusterName, bind, minMembers, d, roundTimeout, chunkFloats, memberTimeout);
    }

    public ClusterSettings withRoundTimeout(Duration d) {
        return new ClusterSettings(members, clusterName, bind, minMembers, joinTimeout, d, chunkFloats, memberTimeout);
    }

    public ClusterSettings withChunkFloats(int n) {
        return new ClusterSettings(members, clusterName, bind, minMembers, joinTimeout, roundTimeout, n, memberTimeout);
    }

    public ClusterSettings withMemberTimeout(Duration d) {
        return new ClusterSettings(members, clusterName, bind, minMembers, joinTimeout, roundTimeout, chunkFloats, d);
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
}
