package org.jitgrad.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jitgrad.cluster.grid.ChunkAdd;
import org.jitgrad.cluster.grid.ChunkRead;
import org.jitgrad.cluster.grid.ChunkSum;
import org.jitgrad.cluster.grid.GroupReply;
import org.jitgrad.cluster.grid.GroupState;
import org.jitgrad.cluster.grid.GroupUpdate;
import org.jitgrad.cluster.grid.RoundBoundary;
import org.jitgrad.tensor.Tensor;

/**
 * One member of a group of JVMs that train the same model on different data and average their
 * parameters, or their gradients, in rounds, over an embedded Hazelcast cluster.
 *
 * <p>A round ({@link Averaging#PARAMETERS}): each member, after training on its own data, calls
 * {@link #average(long)} with the number of examples {@code n} it trained on since the last round.
 * It adds {@code n·θ} (its parameters, flattened and cut into chunks as {@link ModelLayout} says)
 * into the round's chunk sums, one entry processor per chunk, atomic on the chunk's owner; then
 * reports its weight {@code n} to the group's bookkeeping entry ({@link GroupState}). When every
 * member due in the round has reported, the round is complete; each member reads
 * {@code Σ n_i·θ_i / Σ n_i} chunk by chunk and writes it into its parameters, so all leave the round
 * with the same model. With one local step of plain SGD per round this is synchronous data-parallel
 * SGD; with k steps it is periodic parameter averaging. Optimizer state (momentum, Adam's moments)
 * stays local.
 *
 * <p>With {@link Averaging#GRADIENTS} the same round carries each parameter's {@code grad()} instead:
 * a member calls {@code average(n)} after its backward pass on its {@code n} examples and before its
 * optimizer step, and leaves the round with {@code Σ n_i·g_i / Σ n_i} in every {@code grad()}; all
 * members then take the same step from the same model, so their optimizers stay in lockstep.
 *
 * <p>Members that leave the cluster (shut down, or silent for longer than the member timeout) are
 * taken off the roster by a membership listener, which lowers what the round waits for. A member
 * that joins later starts from the model of the last completed round (when gradients are averaged,
 * only before the first round; later it is refused). The maps keep one backup of
 * every entry, so a round's sums survive the death of a member. Nothing uses the CP subsystem.
 *
 * <p>Not thread-safe: one thread (the one that trains) calls {@code average} and {@code close}.
 */
public final class ParameterAverager implements AutoCloseable {
    private static final long GROUP_KEY = 0L;
    /** How often a waiting member reads the group's state itself, in case a change event is late. */
    private static final long POLL_NANOS = 200_000_000L;

    private final ClusterSettings settings;
    private final HazelcastInstance hz;
    private final IMap<Long, GroupState> group;
    private final IMap<Long, ChunkSum> chunks;
    private final ModelLayout layout;
    private final Averaging averaging;
    private final List<Tensor> params;
    private final float[] flat;
    private final Consumer<String> log;
    private final Object signal = new Object();
    private GroupState latest = new GroupState();   // guarded by signal
    private volatile UUID me;
    private volatile boolean rejoin;
    private volatile boolean closed;
    private long nextRound;
    private long rounds, bytesSent, bytesReceived;

    private ParameterAverager(ClusterSettings settings, HazelcastInstance hz, ModelLayout layout, Averaging averaging, List<Tensor> params,
                              Consumer<String> log) {
        this.settings = settings;
        this.hz = hz;
        this.layout = layout;
        this.averaging = averaging;
        this.params = params;
        this.flat = new float[layout.totalFloats()];
        this.log = log;
        this.group = hz.getMap(EmbeddedCluster.GROUP_MAP);
        this.chunks = hz.getMap(EmbeddedCluster.CHUNK_MAP);
        this.me = hz.getCluster().getLocalMember().getUuid();
        group.addEntryListener(new GroupListener(), new RoundBoundary(), GROUP_KEY, true);
        hz.getCluster().addMembershipListener(new Membership());
        hz.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
                rejoin = true;
                log.accept("cluster: this member was merged into another cluster; it re-enrols from that cluster's model at its next round");
            }
        });
    }

    /**
     * Starts this JVM's cluster member, waits for {@code settings.minMembers()} members, enrols in the
     * group and makes {@code namedParameters} the group's current model: the model of the last completed
     * round, or the first member's initial parameters (this member's, if it is the first).
     *
     * @param namedParameters the model's parameters ({@code Module.namedParameters()}); written in place
     *                        by every round
     * @param log             receives one line per notable event (members joining and leaving)
     * @throws ModelMismatchException      when the group trains a model of other names or shapes
     * @throws ClusterUnreachableException when fewer than {@code minMembers} members are reached, or
     *                                     enrol, within the join timeout
     */
    public static ParameterAverager join(ClusterSettings settings, Map<String, Tensor> namedParameters, Consumer<String> log) {
        return join(settings, namedParameters, "", log);
    }

    /**
     * {@link #join(ClusterSettings, Map, Consumer)}, refusing also a cluster whose members agreed on
     * other {@code terms} (see {@link ModelLayout#terms()}).
     */
    public static ParameterAverager join(ClusterSettings settings, Map<String, Tensor> namedParameters, String terms, Consumer<String> log) {
        return join(settings, namedParameters, terms, Averaging.PARAMETERS, log);
    }

    /**
     * {@link #join(ClusterSettings, Map, String, Consumer)} for a group whose rounds average
     * {@code averaging}: a member of a group that averages the other kind is refused as a mismatch.
     * With {@link Averaging#GRADIENTS} a member is also refused once the group's first round has had a
     * contribution: it could adopt the model, but not the optimizer state the others have built since.
     *
     * @throws IllegalStateException as well when this member is refused mid-run
     */
    public static ParameterAverager join(ClusterSettings settings, Map<String, Tensor> namedParameters, String terms, Averaging averaging,
                                         Consumer<String> log) {
        if (averaging == null) throw new IllegalArgumentException("join: what to average (averaging) is missing");
        if (terms == null) throw new IllegalArgumentException("join: terms is null (use \"\" for none)");
        ModelLayout layout = ModelLayout.of(namedParameters, settings.chunkFloats(),
                terms.isEmpty() ? averaging.describe() : averaging.describe() + "; " + terms);
        List<Tensor> params = new ArrayList<>(namedParameters.values());
        long deadline = System.nanoTime() + settings.joinTimeout().toNanos();
        HazelcastInstance hz = EmbeddedCluster.start(settings);
        ParameterAverager a = null;
        try {
            a = new ParameterAverager(settings, hz, layout, averaging, params, log);
            a.enrol(deadline);
            a.awaitRoster(deadline);
            return a;
        } catch (RuntimeException | Error e) {
            if (a != null) a.close();
            else hz.getLifecycleService().terminate();
            throw e;
        }
    }

    // ---- joining -----------------------------------------------------------------------------------

    private void enrol(long deadline) {
        me = hz.getCluster().getLocalMember().getUuid();
        GroupReply reply = update(GroupUpdate.enrol(me, layout));
        if (reply.outcome() == GroupState.Outcome.MISMATCH) {
            ModelLayout theirs = reply.state().layout();
            throw new ModelMismatchException("refused to join cluster '" + settings.clusterName() + "': its model differs from this one: "
                    + layout.differences(theirs) + " (this member: " + layout.describe() + "; the cluster's: " + theirs.describe() + ")");
        }
        if (reply.outcome() == GroupState.Outcome.DEPARTED) throw new IllegalStateException("this member was already dropped from the group");
        boolean initialised = false;
        GroupState s = reply.state();
        while (!s.published()) {
            if (me.equals(s.initialiser())) {
                publishInitial(s.startRound(me) - 1);
                initialised = true;
                s = latest();
                break;
            }
            if (s.initialiser() == null) {
                GroupReply claim = update(GroupUpdate.claimInitialiser(me));
                // Off the roster, the claim can never succeed: without this the loop would claim again forever.
                if (claim.outcome() == GroupState.Outcome.NOT_ENROLLED) {
                    throw new IllegalStateException("this member was dropped from the group while it joined");
                }
                s = claim.state();
                continue;
            }
            s = await(x -> x.published() || x.initialiser() == null || me.equals(x.initialiser()), deadline,
                    x -> "the first member did not publish the initial model within the join timeout");
        }
        Long startRound = s.startRound(me);
        if (startRound == null) throw new IllegalStateException("this member was dropped from the group while it joined");
        long start = startRound;
        if (!initialised && averaging == Averaging.GRADIENTS && start - 1 != s.initialRound()) {
            throw new IllegalStateException("cluster '" + settings.clusterName() + "' averages gradients and its members have been"
                    + " training since round " + (s.initialRound() + 1) + " (this member would start at round " + start + "): a member"
                    + " cannot join mid-run, it would lack the optimizer state the others have built; start all members together");
        }
        if (!initialised) {
            // The model to start from is the result of round start - 1 (or the initial model): wait until it is complete.
            await(x -> x.round() >= start, deadline + settings.roundTimeout().toNanos(),
                    x -> "round " + (start - 1) + " did not complete (waiting for " + x.missing().size() + " of " + x.expected() + " members)");
            readRound(start - 1, params);
        }
        nextRound = start;
    }

    /** Writes this member's parameters as the result of round {@code r} (the round before the first), weight 1. */
    private void publishInitial(long r) {
        layout.flatten(params, flat);
        List<CompletableFuture<Integer>> adds = new ArrayList<>();
        for (int c = 0; c < layout.chunkCount(); c++) {
            float[] part = Arrays.copyOfRange(flat, layout.chunkStart(c), layout.chunkStart(c) + layout.chunkLength(c));
            adds.add(chunks.submitToKey(key(r, c), new ChunkAdd(r, me, 1.0, part)).toCompletableFuture());
        }
        for (int c = 0; c < adds.size(); c++) {
            int status = get(adds.get(c), "publishing the initial model");
            if (status != ChunkSum.ADDED && status != ChunkSum.ALREADY) {
                throw new IllegalStateException("publishing the initial model: chunk " + c + " refused it (status " + status + ")");
            }
        }
        GroupReply p = update(GroupUpdate.publish(me));
        if (p.outcome() != GroupState.Outcome.OK && p.outcome() != GroupState.Outcome.ALREADY) {
            throw new IllegalStateException("publishing the initial model: " + p.outcome());
        }
    }

    private void awaitRoster(long deadline) {
        int need = settings.minMembers();
        await(x -> x.rosterSize() >= need, deadline, x -> String.format(Locale.ROOT,
                "only %d of the %d members enrolled in cluster '%s' within %s (a member may have been refused, e.g. for a model"
                        + " mismatch: see its output)", x.rosterSize(), need, settings.clusterName(), settings.joinTimeout()));
    }

    // ---- rounds ------------------------------------------------------------------------------------

    /**
     * Takes part in the next round: contributes this member's parameters (or, with
     * {@link Averaging#GRADIENTS}, their gradients) with weight {@code samples} (the examples it
     * trained on since its last round, or computed the gradients on), waits until every member due has
     * contributed, and writes the weighted average into the parameters (or their gradients).
     *
     * @throws IllegalStateException when the round does not complete within the round timeout (naming
     *                               how many members it still waits for), this member was dropped, or
     *                               a parameter has no gradient to average
     */
    public RoundReport average(long samples) {
        if (samples < 0) throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        if (closed) throw new IllegalStateException("this member has left the cluster");
        List<Tensor> values = averaged();
        if (rejoin) {
            rejoin = false;
            if (averaging == Averaging.GRADIENTS) {
                throw new IllegalStateException("this member was merged into another part of cluster '" + settings.clusterName()
                        + "' (a split cluster healed): a group that averages gradients cannot take it back mid-run");
            }
            long deadline = System.nanoTime() + settings.joinTimeout().toNanos();
            enrol(deadline);
            return new RoundReport(nextRound - 1, 0, 0, true, 0, (long) layout.totalFloats() * Float.BYTES, 0, 0, 0);
        }
        long r = nextRound;
        long t0 = System.nanoTime();
        layout.flatten(values, flat);
        List<CompletableFuture<Integer>> adds = new ArrayList<>(layout.chunkCount());
        for (int c = 0; c < layout.chunkCount(); c++) {
            float[] part = Arrays.copyOfRange(flat, layout.chunkStart(c), layout.chunkStart(c) + layout.chunkLength(c));
            adds.add(chunks.submitToKey(key(r, c), new ChunkAdd(r, me, samples, part)).toCompletableFuture());
        }
        for (int c = 0; c < adds.size(); c++) {
            int status = get(adds.get(c), "round " + r);
            if (status == ChunkSum.STALE || status == ChunkSum.FROZEN) {
                throw new IllegalStateException("round " + r + " was completed without this member (chunk " + c + " refused its contribution):"
                        + " it was dropped from the group, probably after being silent for more than " + settings.memberTimeout());
            }
        }
        GroupReply finish = update(GroupUpdate.finish(me, r, samples));
        switch (finish.outcome()) {
            case OK, ALREADY -> { }
            case DEPARTED, NOT_ENROLLED -> throw new IllegalStateException("round " + r + ": this member is no longer in the group (it was"
                    + " dropped, probably after being silent for more than " + settings.memberTimeout() + ")");
            default -> throw new IllegalStateException("round " + r + ": the group refused this member's contribution: " + finish.outcome()
                    + " (group at round " + finish.state().round() + ")");
        }
        long t1 = System.nanoTime();
        GroupState sealed = await(x -> x.round() > r, t1 + settings.roundTimeout().toNanos(),
                x -> String.format(Locale.ROOT, "round %d did not complete within %s: %d of %d members due have contributed",
                        r, settings.roundTimeout(), x.contributed(), x.expected()));
        long t2 = System.nanoTime();
        boolean adopted = readRound(r, values);
        long t3 = System.nanoTime();
        nextRound = r + 1;
        rounds++;
        long sent = (long) layout.totalFloats() * Float.BYTES, received = adopted ? sent : 0;
        bytesSent += sent;
        bytesReceived += received;
        boolean known = sealed.lastRound() == r;
        return new RoundReport(r, known ? sealed.lastContributors() : -1, known ? sealed.lastWeight() : Double.NaN, adopted,
                sent, received, t1 - t0, t2 - t1, t3 - t2);
    }

    /** The tensors a round averages: the parameters, or their gradients (which must all exist). */
    private List<Tensor> averaged() {
        if (averaging == Averaging.PARAMETERS) return params;
        List<Tensor> grads = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).grad();
            if (g == null) {
                throw new IllegalStateException("parameter '" + layout.names().get(i) + "' has no gradient to average: run the backward"
                        + " pass before the round");
            }
            grads.add(g);
        }
        return grads;
    }

    /**
     * Reads the averages of round {@code r} into {@code target} (the parameters or their gradients);
     * false when the round's weight was 0 (nothing to adopt).
     */
    private boolean readRound(long r, List<Tensor> target) {
        List<CompletableFuture<float[]>> reads = new ArrayList<>(layout.chunkCount());
        for (int c = 0; c < layout.chunkCount(); c++) reads.add(chunks.submitToKey(key(r, c), new ChunkRead(r)).toCompletableFuture());
        layout.flatten(target, flat);
        boolean any = false;
        for (int c = 0; c < reads.size(); c++) {
            float[] avg = get(reads.get(c), "reading round " + r);
            if (avg == null) {
                throw new IllegalStateException("chunk " + c + " of round " + r + " is gone (its owner and its backup both left?)");
            }
            if (avg.length == 0) continue;
            if (avg.length != layout.chunkLength(c)) {
                throw new IllegalStateException("chunk " + c + " of round " + r + " has " + avg.length + " floats, expected " + layout.chunkLength(c));
            }
            System.arraycopy(avg, 0, flat, layout.chunkStart(c), avg.length);
            any = true;
        }
        if (any) layout.scatter(flat, target);
        return any;
    }

    /** The map key of chunk {@code c} of round {@code r}: two slots, the round in progress and the one before. */
    private long key(long r, int c) {
        return Math.floorMod(r, 2L) * layout.chunkCount() + c;
    }

    // ---- group state -------------------------------------------------------------------------------

    private GroupReply update(GroupUpdate u) {
        GroupReply r = group.executeOnKey(GROUP_KEY, u);
        offer(r.state());
        return r;
    }

    private void offer(GroupState s) {
        if (s == null) return;
        synchronized (signal) {
            if (s.version() > latest.version()) {
                latest = s;
                signal.notifyAll();
            }
        }
    }

    private GroupState latest() {
        synchronized (signal) {
            return latest;
        }
    }

    /** Waits until the group's state satisfies {@code done}; on the deadline fails with {@code why}'s message. */
    private GroupState await(Predicate<GroupState> done, long deadline, java.util.function.Function<GroupState, String> why) {
        long nextPoll = System.nanoTime() + POLL_NANOS;
        while (true) {
            GroupState s;
            synchronized (signal) {
                s = latest;
                if (!done.test(s)) {
                    long now = System.nanoTime();
                    if (now - deadline > 0) throw new IllegalStateException(why.apply(s));
                    long waitNanos = Math.max(1, Math.min(nextPoll - now, deadline - now));
                    try {
                        signal.wait(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for the cluster", e);
                    }
                    s = latest;
                }
            }
            if (done.test(s)) return s;
            if (closed) throw new IllegalStateException("this member has left the cluster");
            if (System.nanoTime() - nextPoll > 0) {
                update(GroupUpdate.peek());
                nextPoll = System.nanoTime() + POLL_NANOS;
            }
        }
    }

    private <T> T get(CompletableFuture<T> f, String what) {
        try {
            return f.get(settings.roundTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": no answer from the cluster within " + settings.roundTimeout(), e);
        }
    }

    private final class GroupListener implements EntryAddedListener<Long, GroupState>, EntryUpdatedListener<Long, GroupState> {
        @Override
        public void entryAdded(EntryEvent<Long, GroupState> event) { offer(event.getValue()); }

        @Override
        public void entryUpdated(EntryEvent<Long, GroupState> event) { offer(event.getValue()); }
    }

    private final class Membership implements MembershipListener {
        @Override
        public void memberAdded(MembershipEvent e) {
            log.accept("cluster: member " + e.getMember().getAddress() + " joined (" + e.getMembers().size() + " members)");
        }

        @Override
        public void memberRemoved(MembershipEvent e) {
            if (closed) return;
            log.accept("cluster: member " + e.getMember().getAddress() + " left (" + e.getMembers().size()
                    + " members); rounds no longer wait for it");
            try {
                group.submitToKey(GROUP_KEY, GroupUpdate.leave(e.getMember().getUuid())).thenAccept(r -> offer(r.state()));
            } catch (RuntimeException ex) {
                // this member is shutting down too: nothing to update
            }
        }
    }

    // ---- inspection and shutdown -------------------------------------------------------------------

    /** Whether the round in progress has contributions and waits for this member's: it should call {@link #average} soon. */
    public boolean othersWaiting() {
        UUID m = me;
        return latest().awaits(m) || rejoin;
    }

    /** The next round this member contributes to. */
    public long nextRound() { return nextRound; }

    /** Members on the group's roster, as this member last saw it. */
    public int groupSize() { return latest().rosterSize(); }

    /** A copy of the group's state as this member last saw it. */
    public GroupState groupState() { return latest().copy(); }

    /** The layout this member averages. */
    public ModelLayout layout() { return layout; }

    /** What this member's rounds average. */
    public Averaging averaging() { return averaging; }

    /** Rounds this member completed. */
    public long rounds() { return rounds; }

    /** Payload bytes this member sent over all rounds. */
    public long bytesSent() { return bytesSent; }

    /** Payload bytes this member received over all rounds. */
    public long bytesReceived() { return bytesReceived; }

    /** This member's own address and the members it sees, e.g. for a start-up line. */
    public String describeCluster() {
        return String.format(Locale.ROOT, "member %s of cluster '%s' (%d members: %s)", hz.getCluster().getLocalMember().getAddress(),
                settings.clusterName(), hz.getCluster().getMembers().size(), EmbeddedCluster.seen(hz));
    }

    /** The settings this member runs with. */
    public ClusterSettings settings() { return settings; }

    /** How long the member waited at most for a round. */
    public Duration roundTimeout() { return settings.roundTimeout(); }

    /**
     * Leaves the group (the others' rounds stop waiting for this member at once) and shuts the
     * cluster member down. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (hz.getLifecycleService().isRunning()) group.executeOnKey(GROUP_KEY, GroupUpdate.leave(me));
        } catch (RuntimeException e) {
            // the cluster is going away anyway
        }
        try {
            hz.shutdown();
        } catch (RuntimeException e) {
            hz.getLifecycleService().terminate();
        }
    }
}
