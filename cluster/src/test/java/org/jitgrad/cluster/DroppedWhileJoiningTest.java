package org.jitgrad.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jitgrad.cluster.grid.GroupState;
import org.jitgrad.cluster.grid.GroupUpdate;
import org.jitgrad.nn.Linear;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A member taken off the roster while it waits for the initial model fails its join instead of retrying forever. */
class DroppedWhileJoiningTest {

    @Test
    void aMemberDroppedBeforeTheInitialModelFailsItsJoin() throws Exception {
        List<MemberAddress> addresses = Loopback.addresses(2);
        String name = Loopback.uniqueName("dropped");
        Map<String, Tensor> params = new Linear(3, 2, 1).namedParameters();
        ClusterSettings joiner = Loopback.settings(addresses, 1, name, 2);
        // A bare member plays the rest of the group: an initialiser that never publishes, then departures.
        HazelcastInstance rest = Hazelcast.newHazelcastInstance(EmbeddedCluster.config(Loopback.settings(addresses, 0, name, 2)));
        try (Members members = new Members(1)) {
            IMap<Long, GroupState> group = rest.getMap(EmbeddedCluster.GROUP_MAP);
            UUID silent = UUID.randomUUID();
            group.executeOnKey(0L, GroupUpdate.enrol(silent, ModelLayout.of(params, joiner.chunkFloats(), Averaging.PARAMETERS.describe())));
            Future<ParameterAverager> join = members.submit(() -> ParameterAverager.join(joiner, params, l -> { }));
            UUID me = awaitSecondOnRoster(group, silent);
            group.executeOnKey(0L, GroupUpdate.leave(me));
            group.executeOnKey(0L, GroupUpdate.leave(silent));   // the roster is empty: nobody is the initialiser
            ExecutionException e = assertThrows(ExecutionException.class, () -> join.get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains("dropped from the group"),
                    String.valueOf(e.getCause()));
        } finally {
            rest.getLifecycleService().terminate();
        }
    }

    /** The joining member's id, once it is on the roster beside {@code first}. */
    private static UUID awaitSecondOnRoster(IMap<Long, GroupState> group, UUID first) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (HazelcastInstance hz : Hazelcast.getAllHazelcastInstances()) {
                UUID id = hz.getCluster().getLocalMember().getUuid();
                GroupState s = group.executeOnKey(0L, GroupUpdate.peek()).state();
                if (!id.equals(first) && s.startRound(id) != null) return id;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the joining member never enrolled");
    }
}
