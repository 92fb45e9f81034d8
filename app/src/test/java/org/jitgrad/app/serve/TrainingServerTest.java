package org.jitgrad.app.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.model.Engine;
import org.jitgrad.app.model.InputNorm;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.model.Predictor;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.snapshot.ParameterSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server in-process on an ephemeral loopback port, driven through java.net.http. */
class TrainingServerTest {
    static final int FEATURES = 6, CLASSES = 3;
    static final ModelSpec SPEC = ModelSpec.mlp(FEATURES, new int[] {16}, CLASSES, Activation.RELU, new InputNorm(0.5f, 0.25f));

    @TempDir
    Path dir;

    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    final StringWriter log = new StringWriter();
    TrainingServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop();
    }

    TrainingServer start(ServeConfig config) throws Exception {
        Sequential net = SPEC.build(3);
        // One short round of warm-up: the warm-up's own paths run in every test, without waiting for the JIT.
        server = TrainingServer.startWarmingUp(config, SPEC, net, new Adam(net.parameters(), 0.01f), new PrintWriter(log, true),
                config.warmUp() ? WarmUpPlan.quick() : WarmUpPlan.none());
        server.awaitReady();
        return server;
    }

    static ServeConfig config() {
        return ServeConfig.defaults().withBatch(8);
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String metrics() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri().resolve("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    static double field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?[0-9.Ee+-]+|null)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1).equals("null") ? Double.NaN : Double.parseDouble(m.group(1));
    }

    /** A learnable toy problem: the class is which third of the range the first feature falls in. */
    static String examples(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            float[] x = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) x[j] = r.nextFloat();
            sb.append(Math.min(CLASSES - 1, (int) (x[0] * CLASSES)));
            for (float v : x) sb.append(',').append(v);
            sb.append('\n');
        }
        return sb.toString();
    }

    static String features(int n, long seed) {
        StringBuilder sb = new StringBuilder();
        for (String line : examples(n, seed).split("\n")) sb.append(line, line.indexOf(',') + 1, line.length()).append('\n');
        return sb.toString();
    }

    void awaitTrained(long n) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (field(metrics(), "trained_examples") >= n) return;
            Thread.sleep(10);
        }
        throw new AssertionError("not trained in time: " + metrics());
    }

    @Test
    void trainAccepts202WithTheCountAndTrainsThem() throws Exception {
        start(config());
        HttpResponse<String> r = post("/train", examples(37, 1));
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(37, field(r.body(), "accepted"));
        awaitTrained(37);
        String m = metrics();
        assertEquals(37, field(m, "accepted_examples"));
        assertEquals(37, field(m, "trained_examples"));
        // 37 with batch 8: 4 full steps and 5 = 4 + 1, or other splits when lingering ran out; never more than log2(8)+1 shapes
        assertTrue(server.trainCompileCount() <= 4, "specializations " + server.trainCompileCount());
        assertTrue(field(m, "model_version") > 1, m);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            wrong count          | 2 | 1,0.1,0.2,0.3,0.4,0.5         | line 2: expected 7 comma-separated values (a label and 6 features), got 6
            not a number         | 3 | 1,0.1,0.2,abc,0.4,0.5,0.6     | line 3, value 4: 'abc' is not a number
            label out of range   | 2 | 3,0.1,0.2,0.3,0.4,0.5,0.6     | line 2: label 3 is out of range (classes are 0..2)
            negative label       | 2 | -1,0.1,0.2,0.3,0.4,0.5,0.6    | line 2: label -1 is out of range (classes are 0..2)
            non-integral label   | 3 | 1.5,0.1,0.2,0.3,0.4,0.5,0.6   | line 3: label 1.5 is not an integer (classes are 0..2)
            NaN                  | 2 | 1,0.1,NaN,0.3,0.4,0.5,0.6     | line 2, value 3: NaN is not allowed (values must be finite numbers)
            Infinity             | 3 | 1,0.1,0.2,0.3,-Infinity,0.5,0.6 | line 3, value 5: -Infinity is not allowed (values must be finite numbers)
            overflow             | 2 | 1,0.1,0.2,0.3,0.4,1e39,0.6    | line 2, value 6: 1e39 is too large for a float (values must be finite)
            empty value          | 2 | 1,0.1,,0.3,0.4,0.5,0.6        | line 2, value 3: empty value
            hex float            | 3 | 1,0.1,0x1p3,0.3,0.4,0.5,0.6   | line 3, value 3: '0x1p3' is not a number
            """)
    void malformedLineRejectsTheWholeRequest(String name, int badLine, String bad, String message) throws Exception {
        start(config());
        List<String> lines = new ArrayList<>(List.of(examples(3, 2).split("\n")));
        lines.add(badLine - 1, bad);
        HttpResponse<String> r = post("/train", String.join("\n", lines) + "\n");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains(message), r.body());
        assertTrue(r.body().contains("nothing from this request was accepted"), r.body());
        String m = metrics();
        assertEquals(0, field(m, "accepted_examples"), m);
        assertEquals(1, field(m, "rejected_malformed"), m);
        assertEquals(1, field(m, "rejected_requests"), m);
        // /predict names the line too (its lines have no label)
        HttpResponse<String> p = post("/predict", "0.1,0.2,0.3,0.4,0.5,0.6\n0.1,0.2,0.3,0.4,0.5\n");
        assertEquals(400, p.statusCode(), p.body());
        assertTrue(p.body().contains("line 2: expected 6 comma-separated values (6 features), got 5"), p.body());
    }

    @Test
    void emptyBodyIs400() throws Exception {
        start(config());
        HttpResponse<String> r = post("/train", "\n  \n");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("no lines"), r.body());
    }

    @Test
    void fullQueueIs429AndTakesNothing() throws Exception {
        start(config().withQueueCapacity(10));
        server.pauseTraining(true);
        assertEquals(202, post("/train", examples(6, 3)).statusCode());
        HttpResponse<String> r = post("/train", examples(5, 4));
        assertEquals(429, r.statusCode(), r.body());
        assertTrue(r.body().contains("the training queue is full: 6 of 10 examples waiting, 5 do not fit"), r.body());
        String m = metrics();
        assertEquals(6, field(m, "accepted_examples"), m);
        assertEquals(6, field(m, "queue_depth") + field(m, "in_flight_examples"), m);
        assertEquals(1, field(m, "rejected_queue_full"), m);
        assertEquals(202, post("/train", examples(4, 5)).statusCode(), "4 still fit");
        server.pauseTraining(false);
        awaitTrained(10);
        assertEquals(202, post("/train", examples(5, 6)).statusCode(), "room again once trained");
    }

    @Test
    void aChunkedBodyLargerThanTheFirstBufferIsReadWhole() throws Exception {
        start(config());
        String body = features(3000, 21);  // well over the 64 KB the per-thread buffer starts with
        assertTrue(body.length() > 128 * 1024, "body of " + body.length() + " bytes");
        HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(server.uri().resolve("/predict"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body.getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, chunked.statusCode(), chunked.body());
        assertEquals(post("/predict", body).body(), chunked.body());
    }

    @Test
    void tooLargeBodiesAre413() throws Exception {
        start(config().withMaxBodyBytes(4096).withQueueCapacity(20));
        String big = examples(200, 7);  // about 20 KB
        HttpResponse<String> r = post("/train", big);
        assertEquals(413, r.statusCode(), r.body());
        assertTrue(r.body().contains("more than the limit of 4096"), r.body());
        // without a Content-Length (chunked), the limit is enforced while reading
        HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(server.uri().resolve("/predict"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(features(200, 8).getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
        // a chunked body under the limit is read whole, and so is one exactly at it
        String small = features(3, 8);
        HttpResponse<String> smallChunked = client.send(HttpRequest.newBuilder(server.uri().resolve("/predict"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small.getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, smallChunked.statusCode(), smallChunked.body());
        assertEquals(post("/predict", small).body(), smallChunked.body());
        String exact = small + " ".repeat(4096 - small.length());
        HttpResponse<String> atLimit = client.send(HttpRequest.newBuilder(server.uri().resolve("/predict"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(exact.getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, atLimit.statusCode(), atLimit.body());
        // a small body with more examples than the queue could ever hold
        HttpResponse<String> many = post("/train", examples(21, 9));
        assertEquals(413, many.statusCode(), many.body());
        assertTrue(many.body().contains("21 examples, more than the training queue holds (20)"), many.body());
        String m = metrics();
        assertEquals(0, field(m, "accepted_examples"), m);
        assertEquals(3, field(m, "rejected_too_large"), m);
        assertEquals(202, post("/train", examples(20, 10)).statusCode(), "the server still serves");
    }

    @Test
    void metricsRoundingKeepsLargeValues() {
        // a diverging loss of 1e20 was reported as 9.223372036854776E13 (Long.MAX_VALUE / 1e5)
        assertEquals(1e20, TrainingServer.round(1e20, 5));
        assertEquals(-3.5e15, TrainingServer.round(-3.5e15, 3));
        assertEquals(0.12346, TrainingServer.round(0.123456, 5));
        assertEquals(Double.NaN, TrainingServer.round(Double.NaN, 5));
    }

    @Test
    void wrongMethodAndUnknownPath() throws Exception {
        start(config());
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri().resolve("/train")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
        assertEquals(404, post("/nope", "x").statusCode());
        // the JDK matches contexts by prefix; only the exact paths are endpoints (a query string is fine)
        for (String path : List.of("/healthz", "/health/", "/metrics.json", "/predictions", "/train/x")) {
            HttpResponse<String> p = path.startsWith("/health") || path.startsWith("/metrics")
                    ? client.send(HttpRequest.newBuilder(server.uri().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString())
                    : post(path, examples(1, 1));
            assertEquals(404, p.statusCode(), path + ": " + p.body());
        }
        assertEquals(200, post("/predict?debug=1", features(1, 1)).statusCode());
        // HEAD is GET without the body: a load balancer's health check
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(server.uri().resolve("/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        HttpResponse<String> headTrain = client.send(HttpRequest.newBuilder(server.uri().resolve("/train"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, headTrain.statusCode());
        assertEquals("POST", headTrain.headers().firstValue("Allow").orElse(""));
        String m = metrics();
        assertEquals(0, field(m, "accepted_examples"), m);
        assertEquals(8, field(m, "rejected_other"), m);
    }

    record Prediction(long version, int[] classes, double[][] probabilities) {}

    static Prediction parsePrediction(String json) {
        Matcher v = Pattern.compile("^\\{\"version\":(\\d+),\"classes\":\\[([0-9,]*)\\],\"probabilities\":\\[(.*)\\]\\}$").matcher(json);
        assertTrue(v.matches(), json);
        int[] classes = java.util.Arrays.stream(v.group(2).split(",")).mapToInt(Integer::parseInt).toArray();
        String[] rows = v.group(3).substring(1, v.group(3).length() - 1).split("\\],\\[");
        double[][] p = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) p[i] = java.util.Arrays.stream(rows[i].split(",")).mapToDouble(Double::parseDouble).toArray();
        return new Prediction(Long.parseLong(v.group(1)), classes, p);
    }

    @Test
    void theLoadGeneratorsBlockingClientKeepsOneConnectionAndReadsEachReplyWhole() throws Exception {
        start(config());
        String body = features(3, 4);
        HttpResponse<String> reference = post("/predict", body);
        try (BlockingHttpClient c = new BlockingHttpClient(server.uri())) {
            for (int i = 0; i < 3; i++) {
                BlockingHttpClient.Reply r = c.post("/predict", body.getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, r.status());
                assertEquals(reference.body(), new String(r.body(), StandardCharsets.UTF_8));
            }
            BlockingHttpClient.Reply bad = c.post("/predict", "1,2\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(400, bad.status());
            assertTrue(new String(bad.body(), StandardCharsets.UTF_8).contains("line 1"));
        }
    }

    @Test
    void predictMatchesATapeForwardOfTheSnapshotItReports() throws Exception {
        start(config());
        assertEquals(202, post("/train", examples(200, 11)).statusCode());
        awaitTrained(200);
        server.pauseTraining(true);
        String body = features(5, 12);
        for (int attempt = 0; ; attempt++) {
            ParameterSnapshot before = server.currentSnapshot();
            HttpResponse<String> r = post("/predict", body);
            assertEquals(200, r.statusCode(), r.body());
            Prediction p = parsePrediction(r.body());
            if (p.version() != before.version()) {  // a publication raced the request; try again
                assertTrue(attempt < 20, "the version never settled");
                continue;
            }
            assertTrue(p.version() > 1, "trained weights are published: " + p.version());
            Sequential check = SPEC.build(0);
            before.copyInto(check.parameters());
            String[] lines = body.split("\n");
            float[] raw = new float[lines.length * FEATURES];
            for (int i = 0; i < lines.length; i++) {
                String[] f = lines[i].split(",");
                for (int j = 0; j < FEATURES; j++) raw[i * FEATURES + j] = Float.parseFloat(f[j]);
            }
            float[] logits = new Predictor(check, SPEC.norm(), Engine.TAPE).logits(raw, lines.length, FEATURES);
            assertEquals(lines.length, p.classes().length);
            for (int i = 0; i < lines.length; i++) {
                double sum = 0;
                for (double q : p.probabilities()[i]) sum += q;
                assertEquals(1.0, sum, 1e-9, "row " + i);
                assertArrayEquals(Predictor.softmax(logits, i * CLASSES, CLASSES), p.probabilities()[i], 1e-5, "row " + i);
                assertEquals(Predictor.argmax(logits, i * CLASSES, CLASSES), p.classes()[i], "row " + i);
            }
            break;
        }
    }

    @Test
    void predictionsWhileTrainingUseNonDecreasingVersionsAndAllBatchSizes() throws Exception {
        start(config().withPublishEvery(1));
        Thread feeder = new Thread(() -> {
            try {
                for (int i = 0; i < 30; i++) post("/train", examples(40, 100 + i));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        feeder.start();
        long last = 0;
        for (int rows : new int[] {1, 2, 3, 5, 8, 13, 100, 257, 300, 1, 7}) {
            HttpResponse<String> r = post("/predict", features(rows, rows));
            assertEquals(200, r.statusCode(), r.body());
            Prediction p = parsePrediction(r.body());
            assertEquals(rows, p.classes().length);
            assertEquals(rows, p.probabilities().length);
            assertTrue(p.version() >= last, p.version() + " after " + last);
            last = p.version();
        }
        feeder.join();
        assertTrue(field(metrics(), "predict_rows") >= 697);
    }

    @Test
    void metricsArePresentAndConsistent() throws Exception {
        start(config());
        post("/train", examples(50, 13));
        post("/predict", features(3, 14));
        post("/train", "bad");
        String m = metrics();
        for (String k : List.of("accepted_examples", "trained_examples", "rejected_requests", "queue_depth", "model_version",
                "train_steps_per_s", "recent_loss", "in_flight_examples", "train_steps", "predict_requests")) {
            field(m, k);
        }
        assertTrue(m.contains("\"predict_latency_ms\":{\"count\":1,\"p50\":"), m);
        field(m, "p99");
        assertEquals(field(m, "accepted_examples"), field(m, "trained_examples") + field(m, "in_flight_examples") + field(m, "queue_depth"), m);
        assertEquals(50, field(m, "accepted_examples"));
        assertEquals(1, field(m, "rejected_requests"));
        awaitTrained(50);
        m = metrics();
        assertTrue(field(m, "train_steps") >= 7, m);
        assertTrue(field(m, "recent_loss") > 0, m);
    }

    @Test
    void stopDrainsTheQueueAndWritesALoadableCheckpoint() throws Exception {
        Path ckpt = dir.resolve("serve.ckpt");
        start(config().withSave(ckpt, 5).withQueueCapacity(1000));
        server.pauseTraining(true);
        int sent = 0;
        for (int i = 0; i < 10; i++) {
            int n = 17 + 13 * i;
            assertEquals(202, post("/train", examples(n, 200 + i)).statusCode());
            sent += n;
        }
        assertEquals(sent, field(metrics(), "queue_depth") + field(metrics(), "in_flight_examples"));
        TrainingServer.StopReport report = server.stop();  // unpauses and drains
        assertEquals(sent, report.accepted());
        assertEquals(sent, report.trained(), report.toString());
        assertTrue(report.clean(), report.toString());
        assertTrue(report.checkpointWritten());
        assertTrue(Files.isRegularFile(ckpt));
        Checkpoint c = CheckpointFile.load(ckpt);
        assertEquals(SPEC, c.spec());
        Sequential reloaded = SPEC.build(99);
        Adam opt = new Adam(reloaded.parameters(), 0.01f);
        assertEquals(Checkpoint.OptimizerRestore.RESTORED, c.restoreInto(SPEC, reloaded, opt));
        assertTrue(opt.stepCount() >= sent / 8, "Adam steps " + opt.stepCount());
        ParameterSnapshot last = server.currentSnapshot();
        assertEquals(report.modelVersion(), last.version());
        for (int i = 0; i < last.size(); i++) {
            assertArrayEquals(last.values(i), reloaded.parameters().get(i).storage(), "the checkpoint holds the served weights");
        }
        assertTrue(server.stop() == report, "stop is idempotent");
        // after the stop nothing listens any more
        assertTrue(assertThrowsIo(() -> post("/train", examples(1, 1))), "the port is closed");
        assertTrue(log.toString().isEmpty() || !log.toString().contains("failed"), log.toString());
    }

    interface Call { Object call() throws Exception; }

    static boolean assertThrowsIo(Call c) {
        try {
            c.call();
            return false;
        } catch (java.io.IOException e) {
            return true;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rawWeightsCanBeServedToo() throws Exception {
        start(config().withAverageDecay(0));
        post("/train", examples(64, 15));
        awaitTrained(64);
        assertNotNull(server.currentSnapshot());
        assertTrue(metrics().toLowerCase(Locale.ROOT).contains("\"state\":\"running\""));
    }
}
