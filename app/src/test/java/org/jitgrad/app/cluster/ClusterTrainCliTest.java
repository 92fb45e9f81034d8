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

    @Test
    void twoMembersTrainOnTheirShardsAndEndWithTheSameModel() throws Exception {
        String members = freeLoopbackPorts(2);
        String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Run>[] runs = new Future[2];
            for (int r = 0; r < 2; r++) {
                String rank = Integer.toString(r);
                Path save = dir.resolve("rank" + r + ".ckpt");
                runs[r] = threads.submit(() -> run("train", "--dataset", "digits", "--epochs", "2", "--hidden", "32", "--batch", "32",
                        "--optimizer", "sgd", "--lr", "0.05", "--progress", "none", "--cluster", members, "--cluster-name", name,
                        "--world", "2", "--rank", rank, "--sync-every", "4", "--join-timeout", "60", "--save", save.toString()));
            }
            Run a = runs[0].get(180, TimeUnit.SECONDS), b = runs[1].get(180, TimeUnit.SECONDS);
            assertEquals(0, a.code(), a.out() + a.err());
            assertEquals(0, b.code(), b.out() + b.err());
            for (Run run : List.of(a, b)) {
                assertTrue(run.out().contains("trains on shard"), run.out());
                assertTrue(run.out().contains(": 719 of the 1,438 training examples"), run.out());
                // 719 rows in batches of 32: 23 steps an epoch, a round every 4 steps and one at the epoch's end: 6 rounds.
                assertTrue(run.out().contains("cluster: 12 rounds with 2 members (every 4 steps and at each epoch's end)"), run.out());
                assertTrue(run.out().contains("done: 2 epochs, 46 steps"), run.out());
            }
            assertEquals(line(a.out(), "final test accuracy"), line(b.out(), "final test accuracy"));
            Checkpoint ca = CheckpointFile.load(dir.resolve("rank0.ckpt")), cb = CheckpointFile.load(dir.resolve("rank1.ckpt"));
            for (int i = 0; i < ca.parameters().size(); i++) {
                assertArrayEquals(ca.parameters().get(i).values(), cb.parameters().get(i).values(), ca.parameters().get(i).name());
            }
            double accuracy = Double.parseDouble(line(a.out(), "final test accuracy").replaceAll(".*: ([0-9.]+)%.*", "$1"));
            assertTrue(accuracy > 85, "accuracy " + accuracy);
        } finally {
            threads.shutdownNow();
        }
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
