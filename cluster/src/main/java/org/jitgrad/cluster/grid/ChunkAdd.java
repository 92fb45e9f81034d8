package org.jitgrad.cluster.grid;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import org.jitgrad.cluster.ClusterSettings;

/**
 * Adds one member's {@code n·θ} for one chunk into the round's {@link ChunkSum}, on the entry's
 * owner (and replayed on its backup). The first contribution of a newer round replaces the older
 * round's sum: a slot holds one round at a time. Returns a {@code ChunkSum} status code.
 */
public final class ChunkAdd implements EntryProcessor<Long, ChunkSum, Integer>, IdentifiedDataSerializable {
    private long round;
    private UUID member;
    private double weight;
    private float[] values;

    /** For deserialization. */
    public ChunkAdd() {}

    /** {@code values} is sent as it is: do not change it until the call has completed. */
    public ChunkAdd(long round, UUID member, double weight, float[] values) {
        this.round = round;
        this.member = member;
        this.weight = weight;
        this.values = values;
    }

    @Override
    public Integer process(Map.Entry<Long, ChunkSum> entry) {
        ChunkSum sum = entry.getValue();
        if (sum == null || sum.round() < round) sum = new ChunkSum(round, values.length);
        int status = sum.add(round, member, weight, values);
        if (status == ChunkSum.ADDED) entry.setValue(sum);
        return status;
    }

    @Override
    public int getFactoryId() { return GridSerialization.FACTORY_ID; }

    @Override
    public int getClassId() { return GridSerialization.CHUNK_ADD; }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(round);
        GridSerialization.writeUuid(out, member);
        out.writeDouble(weight);
        out.writeFloatArray(values);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        round = in.readLong();
        member = GridSerialization.readUuid(in);
        if (member == null) throw new IOException("chunk contribution without a member");
        weight = in.readDouble();
        values = GridSerialization.bounded(in.readFloatArray(), ClusterSettings.MAX_CHUNK_FLOATS, "chunk contribution");
    }
}
