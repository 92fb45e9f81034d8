package org.jitgrad.app.cluster;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.serve.ServeConfig;
import org.jitgrad.app.serve.TrainingServer;
import org.jitgrad.cluster.ClusterSettings;
import org.jitgrad.cluster.MemberAddress;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.snapshot.ParameterSnapshot;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --cluster --merge-every}: replicas in this JVM. One learns from traffic, the other is
 * idle; after a merge both serve the same weights. A replica that joins later starts from them.
 */
class FleetServeTest {
    static {
        QuietHazelcast.apply();
    }

    static final ModelSpec SPEC = ModelSpec.mlp(6, new int[] {16}, 3, Activation.RELU, new InputNorm(0.5f, 0.25f));
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void replicasServeTheSameModelAfterAMergeAndALateReplicaStartsFromIt() throws Exception {
        List<MemberAddress> addresses = MemberAddress.parseList(ClusterTrainCliTest.freeLoopbackPorts(3));
        String name = "fleet-" + UUID.randomUUID().toString().substring(0, 8);
        ServeConfig config = new ServeConfig("127.0.0.1", 0, 2, 8, 5, 4096, 1 << 20, 64, 1, 0, null, false, 0);
        StringWriter logA = new StringWriter(), logB = new StringWriter(), logC = new StringWriter();
        TrainingServer a = null, b = null, c = null;
        try {
            a = start(config, addresses, 0, name, 11, logA);
            b = start(config, addresses, 1, name, 22, logB);
            assertSame(a.currentSnapshot().values(0).length, b.currentSnapshot().values(0).length);
            assertArrayEquals(a.currentSnapshot().values(0), b.currentSnapshot().values(0), "both start from the first replica's model");

            StringBuilder body = new StringBuilder();
            Random rnd = new Random(3);
            for (int i = 0; i < 96; i++) {
                body.append(rnd.nextInt(3));
                for (int f = 0; f < 6; f++) body.append(',').append(String.format(java.util.Locale.ROOT, "%.3f", rnd.nextFloat()));
                body.append('\n');
            }
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(a.uri().resolve("/train"))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());

            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && !(rounds(a) >= 1 && rounds(b) >= 1 && sameWeights(a, b) && trained(a) == 96)) Thread.sleep(50);
            assertEquals(96, trained(a), metrics(a));
            assertTrue(rounds(b) >= 1, "the idle replica took part in the merge: " + metrics(b));
            assertTrue(sameWeights(a, b), "after the merge both serve the same weights\n" + logA + "\n" + logB);
            assertFalse(java.util.Arrays.equals(a.currentSnapshot().values(0), initial(11)), "the merged model learned something");

            c = start(config, addresses, 2, name, 33, logC);
            assertTrue(sameWeights(a, c), "the late replica starts from the fleet's model\n" + logC);
        } finally {
            for (TrainingServer s : new TrainingServer[] {c, b, a}) {
                if (s != null) assertTrue(s.stop().clean(), "stopped cleanly");
            }
        }
        // The 96 examples may be split over several rounds (a round starts once the first batch is trained).
        long here = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("serve: merge round \\d+: 2 replicas, ([\\d,]+) examples \\(([\\d,]+) of them here\\)")
                .matcher(logA.toString());
        while (m.find()) {
            assertEquals(m.group(1), m.group(2), "replica b trained nothing");
            here += Long.parseLong(m.group(2).replace(",", ""));
        }
        assertEquals(96, here, logA.toString());
        assertTrue(logB.toString().contains(" examples (0 of them here)"), logB.toString());
    }

    private static float[] initial(long seed) {
        return SPEC.build(seed).parameters().get(0).storage();
    }

    private static TrainingServer start(ServeConfig config, List<MemberAddress> addresses, int index, String name, long seed, StringWriter log)
            throws Exception {
        Sequential net = SPEC.build(seed);
        PrintWriter out = new PrintWriter(log, true);
        ClusterSettings settings = ClusterSettings.of(addresses, name, addresses.get(index)).withJoinTimeout(Duration.ofSeconds(60));
        FleetMerge merge = FleetMerge.join(settings, net, SPEC.describe(), Duration.ofMillis(300), out);
        return TrainingServer.start(config, SPEC, net, new Adam(net.parameters(), 0.01f), out, merge);
    }

    private static boolean sameWeights(TrainingServer x, TrainingServer y) {
        ParameterSnapshot s = x.currentSnapshot(), t = y.currentSnapshot();
        for (int i = 0; i < s.size(); i++) if (!java.util.Arrays.equals(s.values(i), t.values(i))) return false;
        return true;
    }

    private String metrics(TrainingServer s) throws Exception {
        return client.send(HttpRequest.newBuilder(s.uri().resolve("/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private long rounds(TrainingServer s) throws Exception {
        return field(metrics(s), "merge_rounds");
    }

    private long trained(TrainingServer s) throws Exception {
        return field(metrics(s), "trained_examples");
    }

    private static long field(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Long.parseLong(m.group(1));
    }
}
