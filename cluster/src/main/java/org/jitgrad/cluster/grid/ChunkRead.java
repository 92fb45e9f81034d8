package org.jitgrad.cluster.grid;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * Reads the average of one chunk of a completed round, freezing the chunk first (on the owner and
 * the backup). Returns the average as floats, an empty array when the round's weight was 0, or
 * null when the slot does not hold that round (it was never written, or a newer round replaced it).
 */
public final class ChunkRead implements EntryProcessor<Long, ChunkSum, float[]>, IdentifiedDataSerializable {
    private long round;

    /** For deserialization. */
    public ChunkRead() {}

    public ChunkRead(long round) {
        this.round = round;
    }

    @Override
    public float[] process(Map.Entry<Long, ChunkSum> entry) {
        ChunkSum sum = entry.getValue();
        if (sum == null || sum.round() != round) return null;
        boolean wasFrozen = sum.frozen();
        float[] avg = sum.freezeAndAverage();
        if (!wasFrozen) entry.setValue(sum);
        return avg;
    }

    @Override
    public int getFactoryId() { return GridSerialization.FACTORY_ID; }

    @Override
    public int getClassId() { return GridSerialization.CHUNK_READ; }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(round);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        round = in.readLong();
    }
}
