package org.jitgrad.cluster;

import static org.junit.jupiter.api.Assertions.*;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jitgrad.cluster.grid.GroupState;
import org.jitgrad.nn.Linear;
import org.jitgrad.nn.Losses;
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Three members learn one linear model from three different streams drawn from the same true model,
 * averaging every few local steps. One member dies without a word mid-run (its cluster member is
 * terminated: only the membership listener tells the others), and a fourth joins later from the
 * current model. The rounds go on, every member ends with the same parameters, close to the true
 * ones, and the counters show each round counted once with the contributions it should have.
 */
class FleetTest {
    private static final int IN = 5, OUT = 2, BATCH = 16, LOCAL_STEPS = 5, ROUNDS = 30, CRASH_AFTER = 9, JOIN_AFTER = 14;
    private static final float[] TRUE_W = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 1f, 0f, -0.5f, 0.3f};   // [IN, OUT]
    private static final float[] TRUE_B = {0.2f, -0.4f};

    @Test
    void membersLearnOneModelAndTheRoundsSurviveALossAndALateJoiner() throws Exception {
        List<MemberAddress> addresses = Loopback.addresses(3);
        String name = Loopback.uniqueName("fleet");
        Linear[] nets = {new Linear(IN, OUT, 1), new Linear(IN, OUT, 2), new Linear(IN, OUT, 3), new Linear(IN, OUT, 4)};
        CountDownLatch joinerMayStart = new CountDownLatch(1);
        List<float[]> modelAfterRound = new ArrayList<>();   // member 0's weights after each round
        try (Members members = new Members(4)) {
            List<ParameterAverager> first = members.joinAll(addresses.subList(0, 3), name,
                    List.of(nets[0].namedParameters(), nets[1].namedParameters(), nets[2].namedParameters()));
            float[] initial = nets[0].weight().storage().clone();
            for (int m = 1; m < 3; m++) assertArrayEquals(initial, nets[m].weight().storage(), "everyone starts from the first member's model");

            List<Future<List<RoundReport>>> runs = new ArrayList<>();
            for (int m = 0; m < 3; m++) {
                int member = m;
                ParameterAverager avg = first.get(m);
                runs.add(members.submit(() -> {
                    Stream data = new Stream(100 + member);
                    SGD opt = new SGD(nets[member].parameters(), 0.05f, 0f);
                    List<RoundReport> reports = new ArrayList<>();
                    for (int r = 0; r < ROUNDS; r++) {
                        for (int k = 0; k < LOCAL_STEPS; k++) data.step(nets[member], opt);
                        reports.add(avg.average(LOCAL_STEPS * BATCH));
                        if (member == 0) {
                            synchronized (modelAfterRound) {
                                modelAfterRound.add(nets[0].weight().storage().clone());
                            }
                            if (r == JOIN_AFTER) joinerMayStart.countDown();
                        }
                        if (member == 2 && r == CRASH_AFTER) {
                            terminate(avg);   // no leave message: the others learn it from the membership listener
                            return reports;
                        }
                    }
                    return reports;
                }));
            }

            assertTrue(joinerMayStart.await(120, TimeUnit.SECONDS), "member 0 reached round " + JOIN_AFTER);
            ClusterSettings late = Loopback.lateMember(addresses.subList(0, 3), name, 1);
            ParameterAverager joiner = ParameterAverager.join(late, nets[3].namedParameters(), line -> { });
            long start = joiner.nextRound();
            assertTrue(start > JOIN_AFTER, "joins after round " + JOIN_AFTER + ", got start round " + start);
            float[] expectedStart = null;
            // member 0 records a round's model after the round completes, so it may not have written it yet
            for (long deadline = System.nanoTime() + 60_000_000_000L; expectedStart == null && System.nanoTime() < deadline; ) {
                synchronized (modelAfterRound) {
                    if (modelAfterRound.size() >= start) expectedStart = modelAfterRound.get((int) start - 1);
                }
                if (expectedStart == null) Thread.sleep(5);
            }
            assertNotNull(expectedStart, "member 0 recorded the model of round " + (start - 1));
            assertArrayEquals(expectedStart, nets[3].weight().storage(), "the late member starts from the model of round " + (start - 1));
            Future<List<RoundReport>> lateRun = members.submit(() -> {
                Stream data = new Stream(103);
                SGD opt = new SGD(nets[3].parameters(), 0.05f, 0f);
                List<RoundReport> reports = new ArrayList<>();
                while (joiner.nextRound() < ROUNDS) {
                    for (int k = 0; k < LOCAL_STEPS; k++) data.step(nets[3], opt);
                    reports.add(joiner.average(LOCAL_STEPS * BATCH));
                }
                return reports;
            });

            List<List<RoundReport>> reports = new ArrayList<>();
            for (Future<List<RoundReport>> run : runs) reports.add(run.get(120, TimeUnit.SECONDS));
            List<RoundReport> lateReports = lateRun.get(120, TimeUnit.SECONDS);
            GroupState group = first.get(0).groupState();

            // Every member that lasted holds the same model, close to the true one.
            for (int m : new int[] {1, 3}) {
                assertArrayEquals(nets[0].weight().storage(), nets[m].weight().storage(), "member " + m + " weight");
                assertArrayEquals(nets[0].bias().storage(), nets[m].bias().storage(), "member " + m + " bias");
            }
            for (int i = 0; i < TRUE_W.length; i++) assertEquals(TRUE_W[i], nets[0].weight().storage()[i], 0.05, "weight " + i);
            for (int i = 0; i < TRUE_B.length; i++) assertEquals(TRUE_B[i], nets[0].bias().storage()[i], 0.05, "bias " + i);

            // Counters: rounds numbered without gaps, each counted once, with the contributors it should have.
            assertEquals(CRASH_AFTER + 1, reports.get(2).size());
            for (int m = 0; m < 2; m++) {
                List<RoundReport> rs = reports.get(m);
                assertEquals(ROUNDS, rs.size());
                for (int r = 0; r < ROUNDS; r++) {
                    RoundReport rep = rs.get(r);
                    assertEquals(r, rep.round());
                    int expected = r <= CRASH_AFTER ? 3 : r < start ? 2 : 3;
                    assertEquals(expected, rep.contributors(), "contributors of round " + r + " (late member from " + start + ")");
                    assertEquals(expected * LOCAL_STEPS * BATCH, rep.weight(), "weight of round " + r);
                }
            }
            for (int i = 0; i < lateReports.size(); i++) assertEquals(start + i, lateReports.get(i).round());
            assertEquals(ROUNDS, start + lateReports.size());
            long memberRounds = reports.get(0).size() + reports.get(1).size() + reports.get(2).size() + lateReports.size();
            assertEquals(ROUNDS, group.round(), "rounds completed");
            assertEquals(memberRounds, group.contributions(), "each member's round counted once, none lost");
            assertEquals(3, group.rosterSize(), "the dead member is off the roster");

            joiner.close();
            first.get(0).close();
            first.get(1).close();
        }
    }

    private static void terminate(ParameterAverager avg) {
        int port = avg.settings().bind().port();
        for (HazelcastInstance hz : Hazelcast.getAllHazelcastInstances()) {
            if (hz.getCluster().getLocalMember().getAddress().getPort() == port) hz.getLifecycleService().terminate();
        }
    }

    /** Batches {@code (x, x·W + b + noise)} of the true model, from a member's own random stream. */
    private static final class Stream {
        private final Random rnd;
        private final float[] x = new float[BATCH * IN], y = new float[BATCH * OUT];

        Stream(long seed) {
            rnd = new Random(seed);
        }

        void step(Linear net, SGD opt) {
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            for (int r = 0; r < BATCH; r++) {
                for (int o = 0; o < OUT; o++) {
                    float v = TRUE_B[o] + 0.01f * (float) rnd.nextGaussian();
                    for (int i = 0; i < IN; i++) v += x[r * IN + i] * TRUE_W[i * OUT + o];
                    y[r * OUT + o] = v;
                }
            }
            opt.zeroGrad();
            Losses.mse(net.forward(Tensor.of(x, BATCH, IN)), Tensor.of(y, BATCH, OUT)).backward();
            opt.step();
        }
    }
}
