package org.jitgrad.app.cluster;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jitgrad.app.Main;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jitgrad train --cluster}: two members in this JVM, on loopback. */
class ClusterTrainCliTest {
    static {
        QuietHazelcast.apply();
    }

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static String freeLoopbackPorts(int n) throws IOException {
        StringBuilder s = new StringBuilder();
        ServerSocket[] held = new ServerSocket[n];
        try {
            for (int i = 0; i < n; i++) {
                held[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                s.append(i == 0 ? "" : ",").append("127.0.0.1:").append(held[i].getLocalPort());
            }
        } finally {
            for (ServerSocket h : held) if (h != null) h.close();
        }
        return s.toString();
    }

    /**
     * Two members averaging gradients at every step, each then taking its own Adam step (the default),
     * end with the model one process trains on the same batches (to float rounding): each computes on
     * half of every batch, and the rounds average the gradients with weights, so both members' Adam
     * moments are those of the single process.
     */
    @Test
    void twoMembersAveragingGradientsEndWithTheModelOfOneProcess() throws Exception {
        String[] common = {"train", "--dataset", "digits", "--epochs", "1", "--hidden", "32", "--batch", "32", "--progress", "none",
                "--seed", "3"};
        Path alone = dir.resolve("alone.ckpt");
        Run single = run(concat(common, "--save", alone.toString()));
        assertEquals(0, single.code(), single.err());

        List<Run> both = members(common, "1");
        for (Run run : both) {
            // 1,438 rows in batches of 32: 45 steps (the last of 30 rows, 15 each), a round in each.
            assertTrue(run.out().contains("cluster: 45 rounds with 2 members (gradients averaged at every step, then every member takes"
                    + " the same optimizer step)"), run.out());
            assertTrue(run.out().contains("done: 1 epoch, 45 steps"), run.out());
            assertEquals(line(single.out(), "final test accuracy"), line(run.out(), "final test accuracy"));
        }
        assertTrue(both.get(0).out().contains("every member draws the same batches of 32; this one computes on rows 0..15 of each"),
                both.get(0).out());
        assertTrue(both.get(1).out().contains("every member draws the same batches of 32; this one computes on rows 16..31 of each"),
                both.get(1).out());
        Checkpoint one = CheckpointFile.load(alone), ca = CheckpointFile.load(dir.resolve("rank0.ckpt")),
                cb = CheckpointFile.load(dir.resolve("rank1.ckpt"));
        float worst = 0;
        for (int i = 0; i < ca.parameters().size(); i++) {
            String what = ca.parameters().get(i).name();
            assertArrayEquals(ca.parameters().get(i).values(), cb.parameters().get(i).values(), what + ": the members agree exactly");
            // Measured: at most 3.0e-8 apart after the 45 Adam steps.
            assertArrayEquals(one.parameters().get(i).values(), ca.parameters().get(i).values(), 1e-5f, what + ": as one process");
            float[] e = one.parameters().get(i).values(), g = ca.parameters().get(i).values();
            for (int j = 0; j < e.length; j++) worst = Math.max(worst, Math.abs(e[j] - g[j]));
        }
        System.out.printf("two members averaging gradients with Adam: at most %.2e from one process%n", worst);
    }

    /** With --sync-every 2 the members step alone and average their models every 2 steps and at the epoch's end. */
    @Test
    void twoMembersAveragingParametersEndWithTheSameModel() throws Exception {
        String[] common = {"train", "--dataset", "digits", "--epochs", "1", "--hidden", "16", "--batch", "32", "--optimizer", "sgd",
                "--lr", "0.05", "--lr-decay", "1", "--progress", "none", "--seed", "3"};
        List<Run> both = members(common, "2");
        for (Run run : both) {
            // 45 steps: 22 rounds of 2 steps and one for the last step at the epoch's end.
            assertTrue(run.out().contains("cluster: 23 rounds with 2 members (parameters averaged every 2 steps and at each epoch's end)"),
                    run.out());
            assertEquals(line(both.get(0).out(), "final test accuracy"), line(run.out(), "final test accuracy"));
        }
        Checkpoint ca = CheckpointFile.load(dir.resolve("rank0.ckpt")), cb = CheckpointFile.load(dir.resolve("rank1.ckpt"));
        for (int i = 0; i < ca.parameters().size(); i++) {
            assertArrayEquals(ca.parameters().get(i).values(), cb.parameters().get(i).values(), ca.parameters().get(i).name());
        }
    }

    /** Ranks 0 and 1 of a new cluster on loopback, at once, each saving to rankR.ckpt; both must succeed. */
    private List<Run> members(String[] common, String syncEvery) throws Exception {
        String members = freeLoopbackPorts(2);
        String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Run>> runs = new java.util.ArrayList<>();
            for (int r = 0; r < 2; r++) {
                String[] args = concat(common, "--cluster", members, "--cluster-name", name, "--world", "2", "--rank", Integer.toString(r),
                        "--sync-every", syncEvery, "--save", dir.resolve("rank" + r + ".ckpt").toString());
                runs.add(threads.submit(() -> run(args)));
            }
            List<Run> out = new java.util.ArrayList<>();
            for (Future<Run> f : runs) {
                Run run = f.get(180, TimeUnit.SECONDS);
                assertEquals(0, run.code(), run.out() + run.err());
                out.add(run);
            }
            return out;
        } finally {
            threads.shutdownNow();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void clusterOptionsAreCheckedBeforeAnythingStarts() {
        Run noWorld = run("train", "--dataset", "digits", "--epochs", "0", "--cluster", "127.0.0.1:5701");
        assertEquals(1, noWorld.code());
        assertTrue(noWorld.err().contains("--cluster needs --world N and --rank R"), noWorld.err());
        Run noCluster = run("train", "--dataset", "digits", "--epochs", "0", "--world", "2", "--rank", "0");
        assertTrue(noCluster.err().contains("--world and --rank need --cluster"), noCluster.err());
        Run badRank = run("train", "--dataset", "digits", "--epochs", "0", "--cluster", "127.0.0.1:5701,127.0.0.1:5702", "--world", "2",
                "--rank", "2");
        assertTrue(badRank.err().contains("--rank must be in 0..1, got 2"), badRank.err());
        Run badAddress = run("train", "--dataset", "digits", "--epochs", "0", "--cluster", "127.0.0.1", "--world", "1", "--rank", "0");
        assertTrue(badAddress.err().contains("'127.0.0.1' is not a member address: expected host:port"), badAddress.err());
        Run shortList = run("train", "--dataset", "digits", "--epochs", "0", "--cluster", "127.0.0.1:5701", "--world", "2", "--rank", "1");
        assertTrue(shortList.err().contains("--rank 1 needs at least 2 --cluster addresses"), shortList.err());
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(prefix + " in " + out));
    }
}
