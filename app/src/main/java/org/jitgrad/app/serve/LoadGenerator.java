package org.jitgrad.app.serve;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jitgrad.app.data.Datasets;
import org.jitgrad.data.Dataset;
import org.jitgrad.data.MnistIdx;

/**
 * The load test's client (run by {@code loadtest/run}): streams the MNIST training set into a
 * running server's /train from several clients while others call /predict with single test images
 * at a fixed rate, waits for the trainer to catch up, then measures test accuracy through /predict
 * and checks the counters. Everything stops by itself: the whole run is bounded by
 * {@code --duration} seconds (default 60).
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp app/target/jitgrad-app.jar org.jitgrad.app.serve.LoadGenerator \
 *      --url http://127.0.0.1:8080 --data data/mnist [--train-clients 3] [--predict-clients 2]
 *      [--predict-rate 200] [--lines 100] [--duration 60] [--client-warm-up 3]
 * </pre>
 *
 * Predict latency is measured from the moment each request was scheduled (not when it could be sent),
 * so a stalled server is not hidden by the clients waiting for it (no coordinated omission). The prediction
 * clients start {@code --client-warm-up} seconds before the uploads, and only requests scheduled after the
 * uploads begin are counted: the first seconds of this process's own request code (interpreted, then compiled
 * by JIT threads that share the cores) are the load generator's start-up, not the server's latency.
 */
public final class LoadGenerator {
    private final URI base;
    private final HttpClient http = newClient();
    private long deadline;

    private LoadGenerator(URI base) {
        this.base = base;
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:8080";
        Path data = Path.of("data/mnist");
        int trainClients = 3, predictClients = 2, lines = 100;
        double predictRate = 200, duration = 60, clientWarmUp = 3;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--url" -> url = v;
                case "--data" -> data = Path.of(v);
                case "--train-clients" -> trainClients = Integer.parseInt(v);
                case "--predict-clients" -> predictClients = Integer.parseInt(v);
                case "--predict-rate" -> predictRate = Double.parseDouble(v);
                case "--lines" -> lines = Integer.parseInt(v);
                case "--duration" -> duration = Double.parseDouble(v);
                case "--client-warm-up" -> clientWarmUp = Double.parseDouble(v);
                default -> {
                    System.err.println("unknown option " + a);
                    System.exit(2);
                }
            }
            i++;
        }
        if (duration > 60) throw new IllegalArgumentException("--duration is capped at 60 s");
        if (!(clientWarmUp >= 0 && clientWarmUp < duration)) {
            throw new IllegalArgumentException("--client-warm-up must be at least 0 and below --duration, got " + clientWarmUp);
        }
        int code = run(URI.create(url), data, trainClients, predictClients, predictRate, lines, duration, clientWarmUp);
        System.exit(code);
    }

    static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    static int run(URI url, Path data, int trainClients, int predictClients, double predictRate, int lines, double duration,
                   double clientWarmUp) throws Exception {
        Dataset train = MnistIdx.load(Datasets.idxFile(data, Datasets.TRAIN_IMAGES), Datasets.idxFile(data, Datasets.TRAIN_LABELS));
        Dataset test = MnistIdx.load(Datasets.idxFile(data, Datasets.TEST_IMAGES), Datasets.idxFile(data, Datasets.TEST_LABELS));
        int f = train.featureCount();
        List<byte[]> trainBodies = new ArrayList<>();
        long trainBytes = 0;
        for (int start = 0; start < train.size(); start += lines) {
            byte[] b = csv(train, start, Math.min(lines, train.size() - start), true);
            trainBodies.add(b);
            trainBytes += b.length;
        }
        byte[][] single = new byte[test.size()][];
        for (int i = 0; i < test.size(); i++) single[i] = csv(test, i, 1, false);
        say("loadtest: %d training examples in %d requests of %d lines (%.0f MB of CSV), %d test images, %d features",
                train.size(), trainBodies.size(), lines, trainBytes / 1e6, test.size(), f);

        LoadGenerator g = new LoadGenerator(url);
        g.deadline = System.nanoTime() + 180_000_000_000L;  // the server's warm-up: 60 s at most, longer on a busy machine
        String m0 = g.waitForServer();
        g.deadline = System.nanoTime() + (long) (duration * 1e9);  // the run itself is bounded from here
        long version0 = (long) field(m0, "model_version");
        long accepted0 = (long) field(m0, "accepted_examples");

        // The CSV prepared above is garbage from here on: collect it now, as a benchmark harness does between
        // runs, rather than in a pause that stalls this process's prediction clients mid-run.
        System.gc();

        // ---- phase 1: predict only, for the clients' own warm-up; then stream the training set while predicting
        AtomicInteger next = new AtomicInteger();
        AtomicLong sent = new AtomicLong(), retries429 = new AtomicLong(), trainErrors = new AtomicLong();
        AtomicBoolean streaming = new AtomicBoolean(true), predicting = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Latencies warmUp = new Latencies(), during = new Latencies();
        // Samples scheduled from this instant on are taken while training runs; earlier ones warm up this process.
        AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
        AtomicLong predicts = new AtomicLong(), predictErrors = new AtomicLong(), late = new AtomicLong();
        List<Thread> predictThreads = new ArrayList<>(), uploadThreads = new ArrayList<>();
        long periodNanos = (long) (predictClients / predictRate * 1e9);
        for (int c = 0; c < predictClients; c++) {
            int client = c;
            predictThreads.add(Thread.ofPlatform().name("predict-client-" + c).start(() -> {
                BlockingHttpClient hc = new BlockingHttpClient(g.base);
                java.util.Random random = new java.util.Random(client);
                long scheduled = System.nanoTime() + client * periodNanos / predictClients;
                try {
                    while (predicting.get() && System.nanoTime() < g.deadline) {
                        long now = System.nanoTime();
                        if (now < scheduled) {
                            java.util.concurrent.locks.LockSupport.parkNanos(scheduled - now);
                            continue;
                        }
                        boolean counted = scheduled >= measureFrom.get();
                        if (counted && now - scheduled > periodNanos) late.incrementAndGet();
                        long sendAt = System.nanoTime();
                        BlockingHttpClient.Reply r = hc.post("/predict", single[random.nextInt(single.length)]);
                        long done = System.nanoTime();
                        (counted ? during : warmUp).record(scheduled, sendAt, done);
                        if (r.status() != 200) predictErrors.incrementAndGet();
                        else if (counted) predicts.incrementAndGet();
                        scheduled += periodNanos;
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    hc.close();
                }
            }));
        }
        // The prediction clients' code runs interpreted and then compiles at first; run it before training so
        // that this process's own warm-up (its JIT threads share the two cores) is not counted as server latency.
        Thread.sleep((long) (clientWarmUp * 1000));
        long t0 = System.nanoTime();
        measureFrom.set(t0);
        for (int c = 0; c < trainClients; c++) {
            uploadThreads.add(Thread.ofPlatform().name("train-client-" + c).start(() -> {
                // Bulk upload is background work here as in the server: at a higher nice value it does not delay
                // this process's own prediction clients, whose latencies are what the test measures.
                OsThreadPriority.setCurrentThreadNice(TrainingServer.BACKGROUND_NICE);
                try (BlockingHttpClient client = new BlockingHttpClient(g.base)) {
                    for (int i; (i = next.getAndIncrement()) < trainBodies.size() && System.nanoTime() < g.deadline; ) {
                        while (true) {
                            BlockingHttpClient.Reply r = client.post("/train", trainBodies.get(i));
                            String body = new String(r.body(), StandardCharsets.UTF_8);
                            if (r.status() == 202) {
                                sent.addAndGet((long) field(body, "accepted"));
                                break;
                            }
                            if (r.status() != 429) {
                                trainErrors.incrementAndGet();
                                throw new IOException("/train answered " + r.status() + ": " + body);
                            }
                            retries429.incrementAndGet();
                            if (System.nanoTime() > g.deadline) return;
                            Thread.sleep(5);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        // The trainer keeps working after the last request was queued: predictions continue until it
        // has caught up, so every latency sample is taken while training runs.
        for (Thread t : uploadThreads) t.join(Math.max(1, (g.deadline - System.nanoTime()) / 1_000_000));
        streaming.set(false);
        long tSent = System.nanoTime();
        double peakSteps = 0, peakExamples = 0;
        String m;
        while (true) {
            m = g.metrics();
            peakSteps = Math.max(peakSteps, field(m, "train_steps_per_s"));
            peakExamples = Math.max(peakExamples, field(m, "train_examples_per_s"));
            if (field(m, "trained_examples") == field(m, "accepted_examples") || System.nanoTime() > g.deadline) break;
            Thread.sleep(20);  // each poll wakes threads on both sides; the prediction clients share these cores
        }
        long tTrained = System.nanoTime();
        predicting.set(false);
        for (Thread t : uploadThreads) t.join(10_000);
        for (Thread t : predictThreads) t.join(10_000);
        String serverDuring = m;
        double streamSeconds = (tSent - t0) / 1e9, trainSeconds = (tTrained - t0) / 1e9, predictSeconds = (tTrained - t0) / 1e9;
        long trained = (long) field(m, "trained_examples") - accepted0;
        if (failure.get() != null) say("loadtest: a client failed: %s", failure.get());

        say("");
        say("training: %d examples sent by %d clients (%d x 429 retried) in %.2f s; all trained after %.2f s: %.0f examples/s "
                        + "(%.1f steps/s of batch %s; peak 5-s window %.0f examples/s)",
                sent.get(), trainClients, retries429.get(), streamSeconds, trainSeconds, trained / trainSeconds,
                field(m, "train_steps") / trainSeconds, Math.round(trained / Math.max(1, field(m, "train_steps"))), peakExamples);
        LatencyHistogram.Summary pre = warmUp.client.summary();
        say("predict before training (%.1f s, the clients' warm-up, not counted): %d requests, client-side p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                clientWarmUp, pre.count(), pre.p50Ms(), pre.p99Ms(), pre.maxMs());
        LatencyHistogram.Summary lat = during.client.summary();
        say("predict during training: %d requests of 1 image by %d clients at %.0f/s target (%.1f/s achieved, %d errors, %d late), "
                        + "client-side latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
                lat.count(), predictClients, predictRate, predicts.get() / predictSeconds, predictErrors.get(), late.get(),
                lat.p50Ms(), lat.p90Ms(), lat.p99Ms(), lat.p999Ms(), lat.maxMs());
        LatencyHistogram.Summary wake = during.wakeLateness.summary(), trip = during.roundTrip.summary();
        say("  of which: client thread late to send p50 %.2f ms, p99 %.2f ms, max %.2f ms; send to response read p50 %.2f ms, "
                        + "p99 %.2f ms, max %.2f ms",
                wake.p50Ms(), wake.p99Ms(), wake.maxMs(), trip.p50Ms(), trip.p99Ms(), trip.maxMs());
        say("predict server-side (handler, from /metrics, every prediction since the server became ready, this client's warm-up included): p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d requests",
                field(serverDuring, "p50"), field(serverDuring, "p99"), field(serverDuring, "max"), (long) field(serverDuring, "count"));

        // ---- phase 2: accuracy through /predict --------------------------------------------------
        long ta = System.nanoTime();
        int correct = 0, evalBatch = 500;
        long version = -1;
        for (int start = 0; start < test.size() && System.nanoTime() < g.deadline; start += evalBatch) {
            int n = Math.min(evalBatch, test.size() - start);
            HttpResponse<String> r = g.http.send(post(g.base.resolve("/predict"), csv(test, start, n, false)),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IOException("/predict answered " + r.statusCode() + ": " + r.body());
            Matcher cm = Pattern.compile("\"classes\":\\[([0-9,]*)\\]").matcher(r.body());
            if (!cm.find()) throw new IOException("no classes in " + r.body());
            String[] cls = cm.group(1).split(",");
            for (int i = 0; i < n; i++) if (Integer.parseInt(cls[i]) == test.labels()[start + i]) correct++;
            long v = (long) field(r.body(), "version");
            if (version >= 0 && v != version) say("loadtest: the version changed during evaluation: %d -> %d", version, v);
            version = v;
        }
        say("test accuracy through /predict: %.2f%% (%d/%d) with model version %d, in %.2f s",
                100.0 * correct / test.size(), correct, test.size(), version, (System.nanoTime() - ta) / 1e9);

        String end = g.metrics();
        long acc = (long) field(end, "accepted_examples") - accepted0, tr = (long) field(end, "trained_examples") - accepted0;
        boolean consistent = acc == tr && acc == sent.get() && field(end, "queue_depth") == 0 && field(end, "in_flight_examples") == 0;
        say("counters: sent %d, accepted %d, trained %d, queue_depth %d, in_flight %d, rejected_requests %d (429s %d): %s",
                sent.get(), acc, tr, (long) field(end, "queue_depth"), (long) field(end, "in_flight_examples"),
                (long) field(end, "rejected_requests"), (long) field(end, "rejected_queue_full"),
                consistent ? "consistent" : "INCONSISTENT");
        say("model versions published: %d -> %d; loadtest total %.1f s", version0, (long) field(end, "model_version"),
                (System.nanoTime() - t0) / 1e9);
        boolean complete = sent.get() == train.size() && failure.get() == null;
        if (!complete) say("loadtest: INCOMPLETE: only %d of %d examples were sent within %.0f s", sent.get(), train.size(), duration);
        return consistent && complete ? 0 : 1;
    }

    /** One phase's predict latencies: from the scheduled time, the lateness to send, and the round trip. */
    private static final class Latencies {
        final LatencyHistogram client = new LatencyHistogram();
        final LatencyHistogram wakeLateness = new LatencyHistogram();  // scheduled time -> the request starts being sent
        final LatencyHistogram roundTrip = new LatencyHistogram();     // send -> whole response read

        void record(long scheduled, long sendAt, long done) {
            client.recordNanos(done - scheduled);
            wakeLateness.recordNanos(sendAt - scheduled);
            roundTrip.recordNanos(done - sendAt);
        }
    }

    /** Polls GET /health until it answers 200 (the server has warmed up), then returns the /metrics document. */
    private String waitForServer() throws InterruptedException {
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return metrics();
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("the server at " + base + " did not become ready");
            Thread.sleep(100);
        }
    }

    private String metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("/metrics answered " + r.statusCode());
        return r.body();
    }

    private static HttpRequest post(URI uri, byte[] body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    static double field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(-?[0-9.Ee+-]+|null)").matcher(json);
        if (!m.find()) throw new IllegalStateException("no " + name + " in " + json);
        return m.group(1).equals("null") ? Double.NaN : Double.parseDouble(m.group(1));
    }

    /**
     * Rows {@code [start, start+n)} as CSV, pixel values exactly as the MNIST reader gives them
     * (Float.toString round-trips, so the server parses the same floats).
     */
    static byte[] csv(Dataset d, int start, int n, boolean labels) {
        int f = d.featureCount();
        float[] x = d.features();
        StringBuilder sb = new StringBuilder(n * f * 3);
        for (int r = start; r < start + n; r++) {
            if (labels) sb.append(d.labels()[r]).append(',');
            for (int j = 0; j < f; j++) {
                if (j > 0) sb.append(',');
                float v = x[r * f + j];
                if (v == 0f) sb.append('0');
                else if (v == 1f) sb.append('1');
                else sb.append(v);
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
