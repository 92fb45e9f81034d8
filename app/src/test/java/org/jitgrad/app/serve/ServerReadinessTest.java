package org.jitgrad.app.serve;

import static org.jitgrad.app.serve.TrainingServerTest.SPEC;
import static org.jitgrad.app.serve.TrainingServerTest.field;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.snapshot.ParameterSnapshot;
import org.jitgrad.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET /health and the warm-up: not ready (503) until the warm-up has finished, and the warm-up leaves no trace. */
class ServerReadinessTest {
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    final StringWriter log = new StringWriter();
    TrainingServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop();
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static float[][] values(List<Tensor> ps) {
        return ps.stream().map(p -> p.storage().clone()).toArray(float[][]::new);
    }

    @Test
    void healthIs503WhileWarmingUpThen200AndNothingIsAcceptedBefore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Sequential net = SPEC.build(3);
        server = TrainingServer.startWarmingUp(ServeConfig.defaults().withBatch(8), SPEC, net, new Adam(net.parameters(), 0.01f),
                new PrintWriter(log, true), WarmUpPlan.quick(), () -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        HttpResponse<String> h = get("/health");
        assertEquals(503, h.statusCode(), h.body());
        assertTrue(h.body().contains("\"ready\":false") && h.body().contains("warming up"), h.body());
        assertFalse(server.isReady());

        HttpResponse<String> p = post("/predict", TrainingServerTest.features(1, 1));
        assertEquals(503, p.statusCode(), p.body());
        assertEquals("1", p.headers().firstValue("Retry-After").orElse(""));
        assertTrue(p.body().contains("poll GET /health"), p.body());
        HttpResponse<String> t = post("/train", TrainingServerTest.examples(5, 2));
        assertEquals(503, t.statusCode(), t.body());
        String m = get("/metrics").body();
        assertTrue(m.contains("\"state\":\"warming_up\""), m);
        assertEquals(2, field(m, "rejected_not_ready"), m);
        assertEquals(0, field(m, "accepted_examples"), m);

        release.countDown();
        server.awaitReady();
        assertTrue(server.isReady());
        h = get("/health");
        assertEquals(200, h.statusCode(), h.body());
        assertTrue(h.body().contains("\"ready\":true"), h.body());
        assertEquals(200, post("/predict", TrainingServerTest.features(1, 3)).statusCode());
        assertEquals(202, post("/train", TrainingServerTest.examples(5, 4)).statusCode());
        assertEquals(405, client.send(HttpRequest.newBuilder(server.uri().resolve("/health")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());

        server.stop();
        assertTrue(log.toString().contains("serve: warm-up:"), log.toString());
        assertFalse(log.toString().contains("warm-up failed"), log.toString());
    }

    @Test
    void warmUpLeavesTheWeightsAdamAndTheCountersAsTheyWere() throws Exception {
        Sequential net = SPEC.build(3), fresh = SPEC.build(3);
        Adam adam = new Adam(net.parameters(), 0.01f);
        // Several rounds of every kind of warm-up work, with the weight average on (the default).
        WarmUpPlan plan = new WarmUpPlan(true, 600, 60, 0, 60_000);
        server = TrainingServer.startWarmingUp(ServeConfig.defaults().withBatch(8), SPEC, net, adam, new PrintWriter(log, true), plan);
        server.pauseTraining(true);  // hold the trainer once it starts: the weights must be the warm-up's leftovers
        server.awaitReady();
        assertTrue(log.toString().contains("serve: warm-up: 3 rounds"), log.toString());
        assertFalse(log.toString().contains("warm-up failed"), log.toString());

        float[][] expected = values(fresh.parameters()), live = values(net.parameters());
        ParameterSnapshot served = server.currentSnapshot();
        assertEquals(1, served.version(), "the warm-up publishes nothing");
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], live[i], "trained weights, parameter " + i);
            assertArrayEquals(expected[i], served.values(i), "served average, parameter " + i);
            assertArrayEquals(new float[expected[i].length], adam.firstMoment(i), "Adam first moment " + i);
            assertArrayEquals(new float[expected[i].length], adam.secondMoment(i), "Adam second moment " + i);
        }
        assertEquals(0, adam.stepCount());

        String m = get("/metrics").body();
        for (String counter : List.of("accepted_examples", "trained_examples", "train_requests", "predict_requests", "predict_rows",
                "rejected_requests", "train_steps")) {
            assertEquals(0, field(m, counter), counter + " in " + m);
        }
        assertEquals(0, field(m, "count"), "no warm-up prediction in the latency histogram: " + m);

        // After the warm-up the counters count exactly what clients send.
        for (int i = 0; i < 7; i++) assertEquals(200, post("/predict", TrainingServerTest.features(1 + i, 10 + i)).statusCode());
        assertEquals(202, post("/train", TrainingServerTest.examples(30, 20)).statusCode());
        server.pauseTraining(false);
        TrainingServer.StopReport r = server.stop();
        assertTrue(r.clean(), r.toString());
        assertEquals(30, r.accepted());
        assertEquals(30, r.trained());
        assertEquals(3 + 1 + 1, r.steps(), "30 = 8 + 8 + 8 + 4 + 2");
    }

    @Test
    void stopDuringTheWarmUpNeverStartsServingAndPutsTheWeightsBack() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        Sequential net = SPEC.build(3), fresh = SPEC.build(3);
        server = TrainingServer.startWarmingUp(ServeConfig.defaults().withBatch(8), SPEC, net, new Adam(net.parameters(), 0.01f),
                new PrintWriter(log, true), WarmUpPlan.quick(), () -> {
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        CompletableFuture<TrainingServer.StopReport> stopping = CompletableFuture.supplyAsync(server::stop);
        while (!get("/health").body().contains("shutting down")) Thread.sleep(5);
        release.countDown();
        TrainingServer.StopReport r = stopping.get(30, TimeUnit.SECONDS);
        assertTrue(r.clean(), r.toString());
        assertEquals(0, r.steps());
        assertFalse(server.isReady());
        float[][] expected = values(fresh.parameters()), live = values(net.parameters());
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], live[i], "parameter " + i);
        assertFalse(log.toString().contains("serve: ready"), log.toString());
    }
}
