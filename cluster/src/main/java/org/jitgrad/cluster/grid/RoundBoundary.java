package org.jitgrad.cluster.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.query.Predicate;
import java.util.Map;

/**
 * Which changes of the {@link GroupState} are sent to the members' listeners: those that leave the
 * round in progress with at most one contribution, that is the seal of a round (and enrolments and
 * departures between rounds) and the first contribution to a round (an idle replica then knows the
 * others wait for it). Without it every contribution would be sent to every member: M² events of the
 * whole state per round, more bytes than the parameters at a few dozen members. Members also read
 * the state themselves every 200 ms while they wait, so a change filtered out here is seen anyway.
 */
public final class RoundBoundary implements Predicate<Long, GroupState>, IdentifiedDataSerializable {
    @Override
    public boolean apply(Map.Entry<Long, GroupState> entry) {
        GroupState s = entry.getValue();
        return s == null || s.contributed() <= 1;
    }

    @Override
    public int getFactoryId() { return GridSerialization.FACTORY_ID; }

    @Override
    public int getClassId() { return GridSerialization.ROUND_BOUNDARY; }

    @Override
    public void writeData(ObjectDataOutput out) {}

    @Override
    public void readData(ObjectDataInput in) {}
}
