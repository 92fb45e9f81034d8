package org.jitgrad.cluster;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Two members averaging gradients every step, each then taking its own Adam step, are Adam on the
 * whole batch: the weighted mean of the members' mean gradients is the batch's mean gradient, and
 * the members' optimizers see the same gradients from the same model, so their moments agree.
 * Averaging the parameters after local Adam steps is not: the test shows that it misses by far more
 * than the tolerance.
 */
class GradientAveragingTest {
    private static final int[] SIZES = {6, 16, 3};
    private static final int FEATURES = 6, ROUNDS = 20;
    /** Unequal shards, so that the weights matter: 40 and 24 rows of the 64-row batch. */
    private static final int[] SHARD = {40, 24};
    private static final int ROWS = SHARD[0] + SHARD[1];
    private static final float LR = 0.02f;
    /** Measured: at most 1.8e-7 apart after 20 steps (float rounding of the two paths); parameter averaging: 0.48. */
    private static final float TOLERANCE = 1e-6f;

    private final float[] x = new float[ROWS * FEATURES], y = new float[ROWS];

    GradientAveragingTest() {
        Random rnd = new Random(11);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < ROWS; i++) y[i] = rnd.nextInt(3);
    }

    private Tensor rows(int member) {
        int from = member == 0 ? 0 : SHARD[0];
        return Tensor.of(Arrays.copyOfRange(x, from * FEATURES, (from + SHARD[member]) * FEATURES), SHARD[member], FEATURES);
    }

    private Tensor labels(int member) {
        int from = member == 0 ? 0 : SHARD[0];
        return Tensor.of(Arrays.copyOfRange(y, from, from + SHARD[member]), SHARD[member]);
    }

    @Test
    void twoMembersAveragingGradientsWithAdamEqualAdamOnTheWholeBatch() throws Exception {
        List<MemberAddress> addresses = Loopback.addresses(2);
        String name = Loopback.uniqueName("gradients");
        Sequential[] nets = {MLP.of(SIZES, Activation.TANH, 7), MLP.of(SIZES, Activation.TANH, 8)};
        Sequential single;
        float drift;
        try (Members members = new Members(2)) {
            List<ParameterAverager> avg = members.joinAll(addresses.subList(0, 2), name,
                    List.of(nets[0].namedParameters(), nets[1].namedParameters()), Averaging.GRADIENTS);
            assertEquals(Averaging.GRADIENTS, avg.get(1).averaging());
            // Whichever member enrolled first published its initial model (seed 7 or 8); the other adopted it.
            Sequential initial = copy(nets[0]);
            assertTrue(sameValues(initial, MLP.of(SIZES, Activation.TANH, 7)) || sameValues(initial, MLP.of(SIZES, Activation.TANH, 8)),
                    "the group starts from one member's initial model");
            assertTrue(sameValues(nets[0], nets[1]), "both members start from the same model");

            single = singleProcessAdam(copy(initial));
            drift = parameterAveragingDrift(single, initial);
            assertTrue(drift > 100 * TOLERANCE, "averaging parameters after local Adam steps should miss the single-process run by far"
                    + " more than the tolerance (the test would not tell the two apart otherwise): " + drift);

            Adam[] opts = {new Adam(nets[0].parameters(), LR), new Adam(nets[1].parameters(), LR)};
            train(members, avg, nets, opts, 0, ROUNDS / 2);

            // A member arriving after the first round cannot join: it would lack the others' Adam moments.
            Sequential late = MLP.of(SIZES, Activation.TANH, 7);
            IllegalStateException midRun = assertThrows(IllegalStateException.class, () -> ParameterAverager.join(
                    Loopback.lateMember(addresses.subList(0, 2), name, 1), late.namedParameters(), "", Averaging.GRADIENTS, l -> { }));
            assertTrue(midRun.getMessage().contains("averages gradients and its members have been training since round 0"
                    + " (this member would start at round 10): a member cannot join mid-run"), midRun.getMessage());
            // Nor can one that averages parameters.
            ModelMismatchException kind = assertThrows(ModelMismatchException.class, () -> ParameterAverager.join(
                    Loopback.lateMember(addresses.subList(0, 2), name, 1), late.namedParameters(), l -> { }));
            assertTrue(kind.getMessage().contains("'averaging parameters' here but 'averaging gradients' in the cluster"), kind.getMessage());

            // The refused member left the roster: the remaining rounds do not wait for it (they would time out).
            train(members, avg, nets, opts, ROUNDS / 2, ROUNDS);
            for (ParameterAverager a : avg) a.close();
        }

        List<Tensor> expected = single.parameters();
        float worst = 0;
        for (int m = 0; m < 2; m++) {
            List<Tensor> got = nets[m].parameters();
            for (int p = 0; p < expected.size(); p++) {
                float[] e = expected.get(p).storage(), g = got.get(p).storage();
                for (int i = 0; i < e.length; i++) {
                    assertEquals(e[i], g[i], TOLERANCE, "member " + m + ", parameter " + p + ", element " + i);
                    worst = Math.max(worst, Math.abs(e[i] - g[i]));
                }
            }
        }
        System.out.printf("gradient averaging with Adam: at most %.2e from one process; parameter averaging: %.2e%n", worst, drift);
        for (int p = 0; p < expected.size(); p++) {
            assertArrayEquals(nets[0].parameters().get(p).storage(), nets[1].parameters().get(p).storage(), "both members hold the same model");
        }
    }

    /** Rounds {@code from..to-1} on both members at once: backward on its rows, the round, its own Adam step. */
    private void train(Members members, List<ParameterAverager> avg, Sequential[] nets, Adam[] opts, int from, int to) throws Exception {
        List<Future<List<RoundReport>>> runs = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            int member = m;
            Tensor xs = rows(member), ys = labels(member);
            runs.add(members.submit(() -> {
                List<RoundReport> reports = new ArrayList<>();
                for (int r = from; r < to; r++) {
                    opts[member].zeroGrad();
                    Losses.crossEntropy(nets[member].forward(xs), ys).backward();
                    reports.add(avg.get(member).average(SHARD[member]));
                    opts[member].step();
                }
                return reports;
            }));
        }
        for (Future<List<RoundReport>> run : runs) {
            List<RoundReport> reports = run.get(60, TimeUnit.SECONDS);
            for (int r = from; r < to; r++) {
                RoundReport rep = reports.get(r - from);
                assertEquals(r, rep.round());
                assertEquals(2, rep.contributors());
                assertEquals(ROWS, rep.weight());
                assertTrue(rep.adopted());
            }
        }
    }

    /** {@code single} after Adam on all 64 rows for {@link #ROUNDS} steps. */
    private Sequential singleProcessAdam(Sequential single) {
        Adam opt = new Adam(single.parameters(), LR);
        Tensor all = Tensor.of(x, ROWS, FEATURES), allY = Tensor.of(y, ROWS);
        SingleProcessRun.train(single, opt, all, allY, ROUNDS);
        return single;
    }

    /**
     * The largest distance from {@code single} of two simulated members, starting from {@code initial},
     * that each take a local Adam step on their rows and then adopt the weighted mean of their
     * parameters (what averaging the parameters every step does), for as many steps.
     */
    private float parameterAveragingDrift(Sequential single, Sequential initial) {
        Sequential[] nets = {copy(initial), copy(initial)};
        Adam[] opts = {new Adam(nets[0].parameters(), LR), new Adam(nets[1].parameters(), LR)};
        for (int step = 0; step < ROUNDS; step++) {
            for (int m = 0; m < 2; m++) {
                opts[m].zeroGrad();
                Losses.crossEntropy(nets[m].forward(rows(m)), labels(m)).backward();
                opts[m].step();
            }
            for (int p = 0; p < nets[0].parameters().size(); p++) {
                float[] a = nets[0].parameters().get(p).storage(), b = nets[1].parameters().get(p).storage();
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (((double) SHARD[0] * a[i] + (double) SHARD[1] * b[i]) / ROWS);
                    b[i] = a[i];
                }
            }
        }
        float worst = 0;
        for (int p = 0; p < single.parameters().size(); p++) {
            float[] e = single.parameters().get(p).storage(), g = nets[0].parameters().get(p).storage();
            for (int i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(e[i] - g[i]));
        }
        return worst;
    }

    /** A new model of {@link #SIZES} holding {@code src}'s values. */
    private static Sequential copy(Sequential src) {
        Sequential out = MLP.of(SIZES, Activation.TANH, 0);
        for (int p = 0; p < src.parameters().size(); p++) {
            float[] from = src.parameters().get(p).storage();
            System.arraycopy(from, 0, out.parameters().get(p).storage(), 0, from.length);
        }
        return out;
    }

    private static boolean sameValues(Sequential a, Sequential b) {
        for (int p = 0; p < a.parameters().size(); p++) {
            if (!Arrays.equals(a.parameters().get(p).storage(), b.parameters().get(p).storage())) return false;
        }
        return true;
    }
}
