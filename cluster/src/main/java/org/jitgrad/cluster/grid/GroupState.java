package org.jitgrad.cluster.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jitgrad.cluster.ModelLayout;

/**
 * The group's bookkeeping, one map entry changed only by {@link GroupUpdate} (so every change is
 * atomic on the entry's owner, and replayed on its backup): the model layout every member must
 * share, who publishes the initial model, the round in progress, the roster (each member with the
 * first round it contributes to), who has contributed to the round and with what weight, and
 * counters over the completed rounds.
 *
 * <p>A round is complete ("sealed") once every roster member due in it has contributed: members
 * that leave the cluster are taken off the roster ({@link #leave}), which lowers what the round
 * waits for. A member enrolling while the round in progress has no contribution yet takes part in
 * it; otherwise it starts with the next round, from the model this round produces.
 *
 * <p>The methods are deterministic functions of the state and their arguments: the backup replays
 * them and ends in the same state.
 */
public final class GroupState implements IdentifiedDataSerializable {
    /** What an update did. */
    public enum Outcome { OK, ALREADY, MISMATCH, DEPARTED, NOT_ENROLLED, WRONG_ROUND, NOT_INITIALISER }

    /** Departed members remembered (to refuse a late message from one), oldest forgotten first. */
    static final int DEPARTED_MEMORY = 4096;
    /** Most roster members a state read from the network may hold. */
    static final int MAX_MEMBERS = 1 << 16;

    private long version;
    private ModelLayout layout;
    private UUID initialiser;
    private boolean published;
    private long initialRound = -1;
    private long round;
    private final LinkedHashMap<UUID, Long> roster = new LinkedHashMap<>();
    private final LinkedHashSet<UUID> done = new LinkedHashSet<>();
    private double doneWeight;
    private final LinkedHashSet<UUID> departed = new LinkedHashSet<>();
    private long contributions;
    private long lastRound = -1;
    private final LinkedHashSet<UUID> lastDone = new LinkedHashSet<>();
    private double lastWeight;

    /** An empty group (no layout, round 0). */
    public GroupState() {}

    // ---- updates -----------------------------------------------------------------------------------

    Outcome enrol(UUID member, ModelLayout memberLayout) {
        if (layout == null) layout = memberLayout;
        else if (!layout.equals(memberLayout)) return Outcome.MISMATCH;
        if (departed.contains(member)) return Outcome.DEPARTED;
        if (roster.containsKey(member)) return Outcome.ALREADY;
        roster.put(member, done.isEmpty() ? round : round + 1);
        if (initialiser == null && !published) initialiser = member;
        version++;
        return Outcome.OK;
    }

    Outcome claimInitialiser(UUID member) {
        if (published) return Outcome.ALREADY;
        if (!roster.containsKey(member)) return Outcome.NOT_ENROLLED;
        if (initialiser == null) {
            initialiser = member;
            version++;
        }
        return initialiser.equals(member) ? Outcome.OK : Outcome.NOT_INITIALISER;
    }

    Outcome publish(UUID member) {
        if (!member.equals(initialiser)) return Outcome.NOT_INITIALISER;
        if (published) return Outcome.ALREADY;
        published = true;
        initialRound = roster.get(member) - 1;
        version++;
        return Outcome.OK;
    }

    Outcome finish(UUID member, long r, double weight) {
        if (r == lastRound && lastDone.contains(member)) return Outcome.ALREADY;
        Long start = roster.get(member);
        if (start == null) return departed.contains(member) ? Outcome.DEPARTED : Outcome.NOT_ENROLLED;
        if (r != round || start > r) return Outcome.WRONG_ROUND;
        if (!done.add(member)) return Outcome.ALREADY;
        doneWeight += weight;
        version++;
        maybeSeal();
        return Outcome.OK;
    }

    Outcome leave(UUID member) {
        boolean wasEnrolled = roster.remove(member) != null;
        if (departed.add(member) && departed.size() > DEPARTED_MEMORY) {
            Iterator<UUID> oldest = departed.iterator();
            oldest.next();
            oldest.remove();
        }
        version++;
        if (!wasEnrolled) return Outcome.ALREADY;
        if (member.equals(initialiser) && !published) {
            // It may have written part of the initial model: the next initialiser writes it as another round.
            initialiser = null;
            round += 2;
            roster.replaceAll((m, start) -> round);
        }
        if (roster.isEmpty()) reset();
        else maybeSeal();
        return Outcome.OK;
    }

    /** Seals the round in progress when it has contributions and every roster member due in it is among them. */
    private void maybeSeal() {
        if (done.isEmpty()) return;
        for (Map.Entry<UUID, Long> e : roster.entrySet()) {
            if (e.getValue() <= round && !done.contains(e.getKey())) return;
        }
        lastRound = round;
        lastDone.clear();
        lastDone.addAll(done);
        lastWeight = doneWeight;
        contributions += done.size();
        round++;
        done.clear();
        doneWeight = 0;
    }

    /**
     * The last member left: the next member to enrol starts a new model (possibly of another layout).
     * The round number moves on by two so that its initial model, written as the result of the
     * round before its first, lands in a chunk slot no older round still claims.
     */
    private void reset() {
        layout = null;
        initialiser = null;
        published = false;
        initialRound = -1;
        done.clear();
        doneWeight = 0;
        round += 2;
    }

    // ---- queries -----------------------------------------------------------------------------------

    /** Increases with every change: of two states of the same group, the higher version is the later. */
    public long version() { return version; }

    /** The layout of the group's model, or null before the first member enrolled. */
    public ModelLayout layout() { return layout; }

    public UUID initialiser() { return initialiser; }

    /** Whether the initial model has been written (members may adopt it). */
    public boolean published() { return published; }

    /**
     * The round whose chunks hold the initial model (the round before the initialiser's first), or -1
     * before it is published.
     */
    public long initialRound() { return initialRound; }

    /** The round in progress; every round below it is complete. */
    public long round() { return round; }

    /** The first round {@code member} contributes to, or null when it is not on the roster. */
    public Long startRound(UUID member) { return roster.get(member); }

    /** Roster members. */
    public int rosterSize() { return roster.size(); }

    /** Roster members due in the round in progress. */
    public int expected() {
        int n = 0;
        for (long start : roster.values()) if (start <= round) n++;
        return n;
    }

    /** Contributions to the round in progress so far. */
    public int contributed() { return done.size(); }

    /** Roster members due in the round in progress that have not contributed yet. */
    public List<UUID> missing() {
        List<UUID> out = new ArrayList<>();
        for (Map.Entry<UUID, Long> e : roster.entrySet()) if (e.getValue() <= round && !done.contains(e.getKey())) out.add(e.getKey());
        return out;
    }

    /** Whether the round in progress has contributions and waits for {@code member}'s. */
    public boolean awaits(UUID member) {
        Long start = roster.get(member);
        return !done.isEmpty() && start != null && start <= round && !done.contains(member);
    }

    public boolean departed(UUID member) { return departed.contains(member); }

    /** Contributions counted over all completed rounds (each member once per round it completed). */
    public long contributions() { return contributions; }

    /** The last completed round, or -1. */
    public long lastRound() { return lastRound; }

    /** How many members contributed to the last completed round. */
    public int lastContributors() { return lastDone.size(); }

    /** The total weight (sample count) of the last completed round. */
    public double lastWeight() { return lastWeight; }

    /** An independent copy. */
    public GroupState copy() {
        GroupState c = new GroupState();
        c.version = version;
        c.layout = layout;
        c.initialiser = initialiser;
        c.published = published;
        c.initialRound = initialRound;
        c.round = round;
        c.roster.putAll(roster);
        c.done.addAll(done);
        c.doneWeight = doneWeight;
        c.departed.addAll(departed);
        c.contributions = contributions;
        c.lastRound = lastRound;
        c.lastDone.addAll(lastDone);
        c.lastWeight = lastWeight;
        return c;
    }

    // ---- serialization -----------------------------------------------------------------------------

    @Override
    public int getFactoryId() { return GridSerialization.FACTORY_ID; }

    @Override
    public int getClassId() { return GridSerialization.GROUP_STATE; }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(version);
        out.writeBoolean(layout != null);
        if (layout != null) GridSerialization.writeLayout(out, layout);
        GridSerialization.writeUuid(out, initialiser);
        out.writeBoolean(published);
        out.writeLong(initialRound);
        out.writeLong(round);
        out.writeInt(roster.size());
        for (Map.Entry<UUID, Long> e : roster.entrySet()) {
            GridSerialization.writeUuid(out, e.getKey());
            out.writeLong(e.getValue());
        }
        writeSet(out, done);
        out.writeDouble(doneWeight);
        writeSet(out, departed);
        out.writeLong(contributions);
        out.writeLong(lastRound);
        writeSet(out, lastDone);
        out.writeDouble(lastWeight);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        version = in.readLong();
        layout = in.readBoolean() ? GridSerialization.readLayout(in) : null;
        initialiser = GridSerialization.readUuid(in);
        published = in.readBoolean();
        initialRound = in.readLong();
        round = in.readLong();
        int n = GridSerialization.count(in, MAX_MEMBERS, "roster members");
        roster.clear();
        for (int i = 0; i < n; i++) roster.put(GridSerialization.readUuid(in), in.readLong());
        readSet(in, done, MAX_MEMBERS);
        doneWeight = in.readDouble();
        readSet(in, departed, DEPARTED_MEMORY);
        contributions = in.readLong();
        lastRound = in.readLong();
        readSet(in, lastDone, MAX_MEMBERS);
        lastWeight = in.readDouble();
    }

    private static void writeSet(ObjectDataOutput out, Set<UUID> set) throws IOException {
        out.writeInt(set.size());
        for (UUID u : set) GridSerialization.writeUuid(out, u);
    }

    private static void readSet(ObjectDataInput in, Set<UUID> set, int max) throws IOException {
        int n = GridSerialization.count(in, max, "members");
        set.clear();
        for (int i = 0; i < n; i++) set.add(GridSerialization.readUuid(in));
    }

    @Override
    public String toString() {
        return "GroupState[v" + version + ", round " + round + ", roster " + roster.size() + ", contributed " + done.size()
                + ", last round " + lastRound + " (" + lastDone.size() + " members, weight " + lastWeight + ")]";
    }
}
