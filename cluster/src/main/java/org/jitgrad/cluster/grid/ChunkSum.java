package org.jitgrad.cluster.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Arrays;
import java.util.UUID;
import org.jitgrad.cluster.ClusterSettings;

/**
 * One chunk of the weighted parameter sum of one round: {@code Σ n_i·θ_i} over the members that
 * contributed, in double precision, their total weight {@code Σ n_i}, and who they were (so that a
 * retried contribution is not added twice). The first read of the average freezes the chunk: later
 * contributions to its round are refused, so every member reads the same average even if a member
 * that died mid-round had a contribution still in flight.
 */
public final class ChunkSum implements IdentifiedDataSerializable {
    /** What {@link #add} did. */
    public static final int ADDED = 0, ALREADY = 1, STALE = 2, FROZEN = 3;

    private long round;
    private double[] sum;
    private double weight;
    private long[] contributors = new long[0];   // most, least significant bits of each member's UUID
    private boolean frozen;

    /** For deserialization. */
    public ChunkSum() {}

    ChunkSum(long round, int length) {
        this.round = round;
        this.sum = new double[length];
    }

    /** Adds {@code weight·values} for {@code member}'s contribution to {@code r}. */
    int add(long r, UUID member, double w, float[] values) {
        if (r != round) return STALE;
        if (frozen) return FROZEN;
        if (values.length != sum.length) {
            throw new IllegalArgumentException("chunk of " + sum.length + " floats, contribution of " + values.length);
        }
        long msb = member.getMostSignificantBits(), lsb = member.getLeastSignificantBits();
        for (int i = 0; i < contributors.length; i += 2) if (contributors[i] == msb && contributors[i + 1] == lsb) return ALREADY;
        for (int i = 0; i < sum.length; i++) sum[i] += w * values[i];
        weight += w;
        contributors = Arrays.copyOf(contributors, contributors.length + 2);
        contributors[contributors.length - 2] = msb;
        contributors[contributors.length - 1] = lsb;
        return ADDED;
    }

    /** Freezes the chunk and returns {@code Σ n_i·θ_i / Σ n_i} as floats, or an empty array when the weight is 0. */
    float[] freezeAndAverage() {
        frozen = true;
        if (weight == 0) return new float[0];
        float[] avg = new float[sum.length];
        for (int i = 0; i < sum.length; i++) avg[i] = (float) (sum[i] / weight);
        return avg;
    }

    public long round() { return round; }

    public double weight() { return weight; }

    public int contributorCount() { return contributors.length / 2; }

    public boolean frozen() { return frozen; }

    @Override
    public int getFactoryId() { return GridSerialization.FACTORY_ID; }

    @Override
    public int getClassId() { return GridSerialization.CHUNK_SUM; }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(round);
        out.writeDoubleArray(sum);
        out.writeDouble(weight);
        out.writeLongArray(contributors);
        out.writeBoolean(frozen);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        round = in.readLong();
        sum = GridSerialization.bounded(in.readDoubleArray(), ClusterSettings.MAX_CHUNK_FLOATS, "chunk sum");
        weight = in.readDouble();
        contributors = GridSerialization.bounded(in.readLongArray(), 2 * GroupState.MAX_MEMBERS, "chunk contributors");
        if (contributors.length % 2 != 0) throw new IOException("chunk contributors: odd length " + contributors.length);
        frozen = in.readBoolean();
    }
}
