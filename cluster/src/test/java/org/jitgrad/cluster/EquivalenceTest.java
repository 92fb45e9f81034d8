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
import org.jitgrad.optim.SGD;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Two members, one plain SGD step each per round on their 32 rows, averaged with weight 32 each, are
 * synchronous data-parallel SGD: the same as one process stepping on all 64 rows (the loss is a
 * mean, so the 64-row gradient is the mean of the two 32-row gradients).
 */
class EquivalenceTest {
    private static final int[] SIZES = {6, 16, 3};
    private static final int ROWS = 64, FEATURES = 6, ROUNDS = 20;
    private static final float LR = 0.2f;

    /** Measured: at most 1.5e-7 apart (float rounding of the two paths); the issue asks for 1e-6. */
    @Test
    void twoMembersWithOneSgdStepPerRoundEqualOneProcessOnTheWholeBatch() throws Exception {
        Random rnd = new Random(5);
        float[] x = new float[ROWS * FEATURES], y = new float[ROWS];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < ROWS; i++) y[i] = rnd.nextInt(3);

        Sequential single = MLP.of(SIZES, Activation.TANH, 7);
        SGD opt = new SGD(single.parameters(), LR, 0f);
        Tensor all = Tensor.of(x, ROWS, FEATURES), allY = Tensor.of(y, ROWS);
        SingleProcessRun.train(single, opt, all, allY, ROUNDS);

        List<MemberAddress> addresses = Loopback.addresses(2);
        Sequential[] nets = {MLP.of(SIZES, Activation.TANH, 7), MLP.of(SIZES, Activation.TANH, 7)};
        try (Members members = new Members(2)) {
            List<ParameterAverager> avg = members.joinAll(addresses, Loopback.uniqueName("equivalence"),
                    List.of(nets[0].namedParameters(), nets[1].namedParameters()));
            List<Future<List<RoundReport>>> runs = new ArrayList<>();
            for (int m = 0; m < 2; m++) {
                int member = m;
                Tensor xs = Tensor.of(Arrays.copyOfRange(x, member * 32 * FEATURES, (member + 1) * 32 * FEATURES), 32, FEATURES);
                Tensor ys = Tensor.of(Arrays.copyOfRange(y, member * 32, (member + 1) * 32), 32);
                runs.add(members.submit(() -> {
                    SGD local = new SGD(nets[member].parameters(), LR, 0f);
                    List<RoundReport> reports = new ArrayList<>();
                    for (int r = 0; r < ROUNDS; r++) {
                        local.zeroGrad();
                        Losses.crossEntropy(nets[member].forward(xs), ys).backward();
                        local.step();
                        reports.add(avg.get(member).average(32));
                    }
                    return reports;
                }));
            }
            for (Future<List<RoundReport>> run : runs) {
                List<RoundReport> reports = run.get(120, TimeUnit.SECONDS);
                for (int r = 0; r < ROUNDS; r++) {
                    RoundReport rep = reports.get(r);
                    assertEquals(r, rep.round());
                    assertEquals(2, rep.contributors());
                    assertEquals(64.0, rep.weight());
                    assertTrue(rep.adopted());
                }
            }
            for (ParameterAverager a : avg) a.close();
        }

        List<Tensor> expected = single.parameters();
        for (int m = 0; m < 2; m++) {
            List<Tensor> got = nets[m].parameters();
            for (int p = 0; p < expected.size(); p++) {
                float[] e = expected.get(p).storage(), g = got.get(p).storage();
                for (int i = 0; i < e.length; i++) {
                    assertEquals(e[i], g[i], 1e-6, "member " + m + ", parameter " + p + ", element " + i);
                }
            }
        }
        for (int p = 0; p < expected.size(); p++) {
            assertArrayEquals(nets[0].parameters().get(p).storage(), nets[1].parameters().get(p).storage(), "both members hold the same model");
        }
    }
}
