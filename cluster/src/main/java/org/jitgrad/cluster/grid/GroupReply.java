package org.jitgrad.cluster.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;

/** What a {@link GroupUpdate} did, and the group's state after it (a copy). */
public final class GroupReply implements IdentifiedDataSerializable {
    private GroupState.Outcome outcome;
    private GroupState state;

    /** For deserialization. */
    public GroupReply() {}

    GroupReply(GroupState.Outcome outcome, GroupState state) {
        this.outcome = outcome;
        this.state = state;
    }

    public GroupState.Outcome outcome() { return outcome; }

    public GroupState state() { return state; }

    @Override
    public int getFactoryId() { return GridSerialization.FACTORY_ID; }

    @Override
    public int getClassId() { return GridSerialization.GROUP_REPLY; }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByte(outcome.ordinal());
        state.writeData(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int o = in.readByte();
        GroupState.Outcome[] all = GroupState.Outcome.values();
        if (o < 0 || o >= all.length) throw new IOException("group reply: unknown outcome " + o);
        outcome = all[o];
        state = new GroupState();
        state.readData(in);
    }
}
