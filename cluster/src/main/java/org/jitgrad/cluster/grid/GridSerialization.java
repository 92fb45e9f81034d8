package org.jitgrad.cluster.grid;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jitgrad.cluster.ModelLayout;

/**
 * Hazelcast's factory for everything this module puts in maps or sends to them
 * ({@link IdentifiedDataSerializable}: a factory id, a class id and explicit fields; never Java
 * serialization), and the field encodings they share. Every count read from the network is
 * checked against a limit before anything is allocated for it.
 */
public final class GridSerialization implements DataSerializableFactory {
    /** This module's factory id ("JG"). */
    public static final int FACTORY_ID = 0x4A47;
    static final int GROUP_STATE = 1, GROUP_UPDATE = 2, GROUP_REPLY = 3, CHUNK_SUM = 4, CHUNK_ADD = 5, CHUNK_READ = 6, ROUND_BOUNDARY = 7;

    @Override
    public IdentifiedDataSerializable create(int classId) {
        return switch (classId) {
            case GROUP_STATE -> new GroupState();
            case GROUP_UPDATE -> new GroupUpdate();
            case GROUP_REPLY -> new GroupReply();
            case CHUNK_SUM -> new ChunkSum();
            case CHUNK_ADD -> new ChunkAdd();
            case CHUNK_READ -> new ChunkRead();
            case ROUND_BOUNDARY -> new RoundBoundary();
            default -> throw new IllegalArgumentException("jitgrad cluster serialization: unknown class id " + classId);
        };
    }

    static void writeUuid(ObjectDataOutput out, UUID u) throws IOException {
        out.writeBoolean(u != null);
        if (u != null) {
            out.writeLong(u.getMostSignificantBits());
            out.writeLong(u.getLeastSignificantBits());
        }
    }

    static UUID readUuid(ObjectDataInput in) throws IOException {
        return in.readBoolean() ? new UUID(in.readLong(), in.readLong()) : null;
    }

    /** Reads a count and checks it is in {@code 0..max}. */
    static int count(ObjectDataInput in, int max, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) throw new IOException(what + ": count " + n + " outside 0.." + max);
        return n;
    }

    static <A> A bounded(A array, int max, String what) throws IOException {
        if (array == null) throw new IOException(what + ": missing");
        int n = java.lang.reflect.Array.getLength(array);
        if (n > max) throw new IOException(what + ": " + n + " values, more than " + max);
        return array;
    }

    static void writeLayout(ObjectDataOutput out, ModelLayout layout) throws IOException {
        out.writeInt(layout.chunkFloats());
        out.writeString(layout.terms());
        out.writeInt(layout.parameterCount());
        for (int i = 0; i < layout.parameterCount(); i++) {
            out.writeString(layout.names().get(i));
            out.writeIntArray(layout.shape(i));
        }
    }

    static ModelLayout readLayout(ObjectDataInput in) throws IOException {
        int chunk = in.readInt();
        String terms = in.readString();
        if (terms == null || terms.length() > ModelLayout.MAX_TERMS_LENGTH) throw new IOException("layout: bad terms");
        int n = count(in, ModelLayout.MAX_PARAMETERS, "layout parameters");
        List<String> names = new ArrayList<>(n);
        List<int[]> shapes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = in.readString();
            if (name == null || name.length() > ModelLayout.MAX_NAME_LENGTH) throw new IOException("layout: bad parameter name");
            names.add(name);
            shapes.add(bounded(in.readIntArray(), ModelLayout.MAX_RANK, "layout shape"));
        }
        try {
            return new ModelLayout(names, shapes, chunk, terms);
        } catch (IllegalArgumentException e) {
            throw new IOException("layout: " + e.getMessage(), e);
        }
    }
}
