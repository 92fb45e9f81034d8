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
     * Two members, one SGD step per round, end with the model one process trains on the same batches
     * (to float rounding): each steps on half of every batch and the rounds average with weights.
     */
    @Test
    void twoMembersEndWithTheModelOfOneProcess() throws Exception {
        String[] common = {"train", "--dataset", "digits", "--epochs", "1", "--hidden", "32", "--batch", "32", "--optimizer", "sgd",
                "--lr", "0.05", "--lr-decay", "1", "--progress", "none", "--seed", "3"};
        Path alone = dir.resolve("alone.ckpt");
        Run single = run(concat(common, "--save", alone.toString()));
        assertEquals(0, single.code(), single.err());

        String members = freeLoopbackPorts(2);
        String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Run>> runs = new java.util.ArrayList<>();
            for (int r = 0; r < 2; r++) {
                String[] args = concat(common, "--cluster", members, "--cluster-name", name, "--world", "2", "--rank", Integer.toString(r),
                        "--sync-every", "1", "--save", dir.resolve("rank" + r + ".ckpt").toString());
                runs.add(threads.submit(() -> run(args)));
            }
            Run a = runs.get(0).get(180, TimeUnit.SECONDS), b = runs.get(1).get(180, TimeUnit.SECONDS);
            assertEquals(0, a.code(), a.out() + a.err());
            assertEquals(0, b.code(), b.out() + b.err());
            assertTrue(a.out().contains("every member draws the same batches of 32; this one steps on rows 0..15 of each"), a.out());
            assertTrue(b.out().contains("every member draws the same batches of 32; this one steps on rows 16..31 of each"), b.out());
            for (Run run : List.of(a, b)) {
                // 1,438 rows in batches of 32: 45 steps (the last of 30 rows, 15 each), a round after each.
                assertTrue(run.out().contains("cluster: 45 rounds with 2 members (every 1 step and at each epoch's end)"), run.out());
                assertTrue(run.out().contains("done: 1 epochs, 45 steps"), run.out());
            }
            assertEquals(line(single.out(), "final test accuracy"), line(a.out(), "final test accuracy"));
            assertEquals(line(single.out(), "final test accuracy"), line(b.out(), "final test accuracy"));
            Checkpoint one = CheckpointFile.load(alone), ca = CheckpointFile.load(dir.resolve("rank0.ckpt")),
                    cb = CheckpointFile.load(dir.resolve("rank1.ckpt"));
            for (int i = 0; i < ca.parameters().size(); i++) {
                String what = ca.parameters().get(i).name();
                assertArrayEquals(ca.parameters().get(i).values(), cb.parameters().get(i).values(), what + ": the members agree exactly");
                // Measured: at most 3.0e-7 apart after the 45 steps.
                assertArrayEquals(one.parameters().get(i).values(), ca.parameters().get(i).values(), 1e-5f, what + ": as one process");
            }
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
