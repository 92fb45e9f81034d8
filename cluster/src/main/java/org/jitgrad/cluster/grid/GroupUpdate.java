package org.jitgrad.cluster.grid;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import org.jitgrad.cluster.ModelLayout;

/**
 * One change to the {@link GroupState}, applied atomically on the entry's owner and replayed on its
 * backup. Returns a {@link GroupReply}: the outcome and a copy of the state after the change.
 */
public final class GroupUpdate implements EntryProcessor<Long, GroupState, GroupReply>, IdentifiedDataSerializable {
    /** The kinds of change. */
    public enum Kind { PEEK, ENROL, CLAIM_INITIALISER, PUBLISH, FINISH, LEAVE }

    private Kind kind;
    private UUID member;
    private long round;
    private double weight;
    private ModelLayout layout;

    /** For deserialization. */
    public GroupUpdate() {}

    private GroupUpdate(Kind kind, UUID member, long round, double weight, ModelLayout layout) {
        this.kind = kind;
        this.member = member;
        this.round = round;
        this.weight = weight;
        this.layout = layout;
    }

    /** Reads the state, changing nothing. */
    public static GroupUpdate peek() { return new GroupUpdate(Kind.PEEK, null, 0, 0, null); }

    /** Puts {@code member} on the roster if its layout is the group's (the first member's sets it). */
    public static GroupUpdate enrol(UUID member, ModelLayout layout) { return new GroupUpdate(Kind.ENROL, member, 0, 0, layout); }

    /** Makes {@code member} the one to publish the initial model if nobody is (the previous one left). */
    public static GroupUpdate claimInitialiser(UUID member) { return new GroupUpdate(Kind.CLAIM_INITIALISER, member, 0, 0, null); }

    /** The initialiser has written the initial model. */
    public static GroupUpdate publish(UUID member) { return new GroupUpdate(Kind.PUBLISH, member, 0, 0, null); }

    /** {@code member} has added all its chunks to {@code round}, with this weight. */
    public static GroupUpdate finish(UUID member, long round, double weight) { return new GroupUpdate(Kind.FINISH, member, round, weight, null); }

    /** {@code member} left the cluster. */
    public static GroupUpdate leave(UUID member) { return new GroupUpdate(Kind.LEAVE, member, 0, 0, null); }

    @Override
    public GroupReply process(Map.Entry<Long, GroupState> entry) {
        GroupState state = entry.getValue();
        if (state == null) state = new GroupState();
        long before = state.version();
        GroupState.Outcome outcome = switch (kind) {
            case PEEK -> GroupState.Outcome.OK;
            case ENROL -> state.enrol(member, layout);
            case CLAIM_INITIALISER -> state.claimInitialiser(member);
            case PUBLISH -> state.publish(member);
            case FINISH -> state.finish(member, round, weight);
            case LEAVE -> state.leave(member);
        };
        if (state.version() != before) entry.setValue(state);
        return new GroupReply(outcome, state.copy());
    }

    @Override
    public EntryProcessor<Long, GroupState, GroupReply> getBackupProcessor() {
        return kind == Kind.PEEK ? null : this;
    }

    @Override
    public int getFactoryId() { return GridSerialization.FACTORY_ID; }

    @Override
    public int getClassId() { return GridSerialization.GROUP_UPDATE; }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByte(kind.ordinal());
        GridSerialization.writeUuid(out, member);
        out.writeLong(round);
        out.writeDouble(weight);
        out.writeBoolean(layout != null);
        if (layout != null) GridSerialization.writeLayout(out, layout);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int k = in.readByte();
        Kind[] all = Kind.values();
        if (k < 0 || k >= all.length) throw new IOException("group update: unknown kind " + k);
        kind = all[k];
        member = GridSerialization.readUuid(in);
        if (member == null && kind != Kind.PEEK) throw new IOException("group update " + kind + " without a member");
        round = in.readLong();
        weight = in.readDouble();
        layout = in.readBoolean() ? GridSerialization.readLayout(in) : null;
        if (layout == null && kind == Kind.ENROL) throw new IOException("enrolment without a model layout");
    }
}
