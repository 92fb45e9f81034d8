package org.jitgrad.cluster;

import static org.junit.jupiter.api.Assertions.*;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jitgrad.nn.Linear;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Members that must not join: another model, or no cluster to reach. */
class JoinFailuresTest {

    @Test
    void aMemberWithAnotherModelIsRefusedWithTheDifferenceNamed() throws Exception {
        List<MemberAddress> addresses = Loopback.addresses(1);
        String name = Loopback.uniqueName("mismatch");
        Linear model = new Linear(4, 3, 1);
        try (ParameterAverager first = ParameterAverager.join(Loopback.settings(addresses, 0, name, 1), model.namedParameters(), l -> { })) {
            Linear wider = new Linear(4, 5, 2);
            ModelMismatchException shape = assertThrows(ModelMismatchException.class,
                    () -> ParameterAverager.join(Loopback.lateMember(addresses, name, 1), wider.namedParameters(), l -> { }));
            assertTrue(shape.getMessage().contains("'weight' [4, 5] here but 'weight' [4, 3] in the cluster"), shape.getMessage());
            assertTrue(shape.getMessage().contains(name), shape.getMessage());

            Map<String, Tensor> renamed = new LinkedHashMap<>();
            renamed.put("kernel", Tensor.zeros(4, 3));
            renamed.put("bias", Tensor.zeros(3));
            ModelMismatchException names = assertThrows(ModelMismatchException.class,
                    () -> ParameterAverager.join(Loopback.lateMember(addresses, name, 1), renamed, l -> { }));
            assertTrue(names.getMessage().contains("'kernel' [4, 3] here but 'weight' [4, 3] in the cluster"), names.getMessage());

            assertEquals(1, first.groupSize(), "the refused members never entered the roster");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (instanceAt(first).getCluster().getMembers().size() > 1 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(1, instanceAt(first).getCluster().getMembers().size(), "the refused members left the cluster");
            float[] before = model.weight().storage().clone();
            RoundReport r = first.average(10);
            assertEquals(1, r.contributors());
            assertArrayEquals(before, model.weight().storage(), "alone, the average is its own model");

            // Java serialization is refused: a Serializable value cannot be read back from a map.
            IMap<Integer, Object> other = instanceAt(first).getMap("not-jitgrad");
            other.put(1, new JavaSerialized(7));
            RuntimeException refused = assertThrows(RuntimeException.class, () -> other.get(1));
            assertInstanceOf(SecurityException.class, refused.getCause(), String.valueOf(refused));
            assertTrue(refused.getCause().getMessage().contains("JavaSerialized"), refused.getCause().getMessage());
        }
    }

    @Test
    void aMemberThatCannotReachTheClusterFailsInBoundedTimeNamingTheAddresses() {
        List<MemberAddress> addresses = Loopback.addresses(3);
        List<MemberAddress> nobodyThere = addresses.subList(0, 2);
        ClusterSettings settings = ClusterSettings.of(nobodyThere, Loopback.uniqueName("unreachable"), addresses.get(2))
                .withMinMembers(2).withJoinTimeout(Duration.ofSeconds(3));
        long t0 = System.nanoTime();
        ClusterUnreachableException e = assertThrows(ClusterUnreachableException.class,
                () -> ParameterAverager.join(settings, new Linear(2, 2, 1).namedParameters(), l -> { }));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 20, "failed after " + seconds + " s");
        for (MemberAddress a : nobodyThere) assertTrue(e.getMessage().contains(a.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("found 1 of the 2 members"), e.getMessage());
        for (HazelcastInstance hz : Hazelcast.getAllHazelcastInstances()) {
            assertNotEquals(addresses.get(2).port(), hz.getCluster().getLocalMember().getAddress().getPort(), "the failed member was shut down");
        }
    }

    private static HazelcastInstance instanceAt(ParameterAverager a) {
        for (HazelcastInstance hz : Hazelcast.getAllHazelcastInstances()) {
            if (hz.getCluster().getLocalMember().getAddress().getPort() == a.settings().bind().port()) return hz;
        }
        throw new AssertionError("no member at " + a.settings().bind());
    }

    private record JavaSerialized(int value) implements Serializable {}
}
