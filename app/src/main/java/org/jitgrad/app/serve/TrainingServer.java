package org.jitgrad.app.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.app.model.Predictor;
import org.jitgrad.compile.Compiled;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.snapshot.ParameterSnapshot;
import org.jitgrad.snapshot.SnapshotPublisher;
import org.jitgrad.tensor.Tensor;

/**
 * An HTTP server that trains a model online and serves predictions from it at the same time.
 *
 * <ul>
 *   <li>{@code POST /train}: CSV lines {@code label,x1,...,xn}, all or nothing; 202 with the count
 *       queued, 400 naming the bad line, 413 too large, 429 queue full, 503 shutting down.</li>
 *   <li>{@code POST /predict}: CSV lines {@code x1,...,xn}; 200 with the snapshot version used, the
 *       classes and the probabilities; 400 naming the bad line, 413 too large.</li>
 *   <li>{@code GET /metrics}: counters, rates, the recent loss and predict latency percentiles.</li>
 * </ul>
 *
 * <p>Threads: the JDK's {@link HttpServer} dispatcher hands each exchange to a fixed pool of
 * handler threads (bounded queue; overflow is refused by closing the connection). /train requests
 * are passed on at once to a pool of their own (half as many threads, bounded queue, 429 when it is
 * full), which parses and standardizes the body and appends it to the {@link ExampleQueue}: parsing
 * a large body takes milliseconds, and a prediction must never wait behind one for a thread. One
 * {@link Trainer} thread drains the queue. The trainer and the /train threads run at a higher nice
 * value ({@link OsThreadPriority}). /predict handlers read the latest {@link ParameterSnapshot} (one
 * volatile read) and run the compiled forward pass on it: they share no lock with the trainer.
 *
 * <p>{@link #stop()} refuses new training data, lets running requests finish, has the trainer
 * train every example still queued, publishes the final weights and writes the checkpoint.
 */
public final class TrainingServer {
    /** Largest number of rows one compiled forward call takes; larger /predict requests are split. */
    static final int PREDICT_CHUNK = 256;

    private final ServeConfig config;
    private final ModelSpec spec;
    private final PrintWriter log;
    private final long startNanos = System.nanoTime();
    private final ExampleQueue queue;
    private final SnapshotPublisher publisher;
    private final Compiled infer;
    private final Trainer trainer;
    /** Linux nice value of the trainer and /train parsing threads (request threads keep 0). */
    static final int BACKGROUND_NICE = 10;
    /** /train requests waiting for a parsing thread before more are refused with 429. */
    private static final int TRAIN_BACKLOG = 64;
    /** Warm-up of single-row predictions: at most this many calls, within this time. */
    private static final int PREDICT_WARM_UP_CALLS = 5_000;
    private static final long PREDICT_WARM_UP_NANOS = 1_500_000_000L;
    /** Warm-up of the training step: at most this many full batches, within this time. */
    private static final int WARM_UP_STEPS = 400;
    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private final Thread trainerThread;
    private final HttpServer http;
    private final ThreadPoolExecutor handlers;
    private final ThreadPoolExecutor trainHandlers;
    private final LatencyHistogram predictLatency = new LatencyHistogram();
    private final LongAdder trainRequests = new LongAdder(), predictRequests = new LongAdder(), predictRows = new LongAdder();
    private final LongAdder rejectedMalformed = new LongAdder(), rejectedFull = new LongAdder(), rejectedTooLarge = new LongAdder(),
            rejectedShuttingDown = new LongAdder(), rejectedOther = new LongAdder();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object stopLock = new Object();
    private volatile String state = "running";
    private StopReport report;

    /** What {@link #stop()} did. */
    public record StopReport(long accepted, long trained, long steps, long modelVersion, boolean checkpointWritten, String problem) {
        /** Every accepted example was trained and the checkpoint (if asked for) written. */
        public boolean clean() { return accepted == trained && problem == null; }
    }

    private TrainingServer(ServeConfig config, ModelSpec spec, Sequential net, Adam optimizer, PrintWriter log) throws IOException {
        this.config = config;
        this.spec = spec;
        this.log = log;
        this.queue = new ExampleQueue(config.queueCapacity(), spec.inputs());
        Sequential served = net;
        if (config.averageDecay() > 0) {
            served = spec.build(0);
            List<Tensor> from = net.parameters(), to = served.parameters();
            for (int i = 0; i < from.size(); i++) to.get(i).copyFrom(from.get(i).storage());
        }
        this.publisher = new SnapshotPublisher(served.parameters());
        Sequential model = served;
        this.infer = Compiled.trace(in -> model.forward(in[0])).withConcurrency(config.httpThreads()).withDynamicBatch();
        if (config.warmUp()) {
            // Powers of two up to the chunk (the first call compiles the one program for every batch size; the others warm
            // the GEMM's paths for those sizes), then single rows, the common request, until
            // the JIT has compiled their kernels: a one-row product takes GEMM paths (edge kernels, the small path)
            // that training does not exercise, and run interpreted they box every vector, for about a millisecond
            // a call and a young collection every few hundred requests.
            ParameterSnapshot s = publisher.current();
            for (int rows = 1; rows <= PREDICT_CHUNK; rows *= 2) infer.forward(s, Tensor.zeros(rows, spec.inputs()));
            Tensor one = Tensor.randn(1, 1, spec.inputs());
            long end = System.nanoTime() + PREDICT_WARM_UP_NANOS;
            for (int i = 0; i < PREDICT_WARM_UP_CALLS && System.nanoTime() < end; i++) infer.forward(s, one);
        }
        this.trainer = new Trainer(config, spec, net, served, optimizer, queue, publisher, log, startNanos);
        if (config.warmUp()) {
            long t0 = System.nanoTime();
            int steps = trainer.warmUp(WARM_UP_STEPS, WARM_UP_NANOS);
            log.printf(Locale.ROOT, "serve: warmed up the training step on random data (%d steps in %d ms; weights and Adam state put back)%n",
                    steps, (System.nanoTime() - t0) / 1_000_000);
            log.flush();
        }
        this.trainerThread = new Thread(() -> {
            boolean lowered = OsThreadPriority.setCurrentThreadNice(BACKGROUND_NICE);
            log.println(lowered ? "serve: the trainer and the /train parsers run at nice " + BACKGROUND_NICE + ", below the request threads"
                    : "serve: could not lower the trainer's OS priority (not Linux, or native access denied); it competes with predictions");
            log.flush();
            trainer.run();
        }, "serve-trainer");

        AtomicInteger n = new AtomicInteger();
        this.handlers = new ThreadPoolExecutor(config.httpThreads(), config.httpThreads(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(1024), r -> {
                    Thread t = new Thread(r, "serve-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        int trainThreads = Math.max(1, config.httpThreads() / 2);
        this.trainHandlers = new ThreadPoolExecutor(trainThreads, trainThreads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(TRAIN_BACKLOG), r -> {
                    Thread t = new Thread(() -> {
                        OsThreadPriority.setCurrentThreadNice(BACKGROUND_NICE);
                        r.run();
                    }, "serve-train-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.http = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 256);
        http.setExecutor(handlers);
        http.createContext("/train", ex -> {
            try {
                trainHandlers.execute(() -> exchange(ex, "POST", this::train));
            } catch (RejectedExecutionException e) {
                exchange(ex, "POST", x -> {
                    rejectedFull.increment();
                    return new Response(429, Json.error("too many /train requests are waiting to be parsed (" + TRAIN_BACKLOG
                            + "); nothing from this request was accepted, retry later"));
                });
            }
        });
        http.createContext("/predict", ex -> exchange(ex, "POST", this::predict));
        http.createContext("/metrics", ex -> exchange(ex, "GET", e -> new Response(200, metricsJson())));
        http.createContext("/", ex -> exchange(ex, null, e -> {
            rejectedOther.increment();
            return new Response(404, Json.error("no such endpoint: " + e.getRequestURI().getPath()
                    + " (POST /train, POST /predict, GET /metrics)"));
        }));
    }

    /**
     * Starts serving {@code net} (trained in place with {@code optimizer}, which must manage exactly
     * {@code net.parameters()}). Returns once the port is bound and the trainer runs.
     */
    public static TrainingServer start(ServeConfig config, ModelSpec spec, Sequential net, Adam optimizer, PrintWriter log)
            throws IOException {
        TrainingServer s = new TrainingServer(config, spec, net, optimizer, log);
        s.trainerThread.start();
        s.http.start();
        return s;
    }

    /** The bound port. */
    public int port() { return http.getAddress().getPort(); }

    /** {@code http://address:port}. */
    public URI uri() { return URI.create("http://" + config.bindAddress() + ":" + port()); }

    /** The snapshot predictions currently use. */
    public ParameterSnapshot currentSnapshot() { return publisher.current(); }

    /** Holds (true) or lets go (false) the trainer between batches; queued examples wait. For tests and maintenance. */
    public void pauseTraining(boolean pause) {
        queue.setPaused(pause);
        if (!"draining".equals(state) && !"stopped".equals(state)) state = pause ? "paused" : "running";
    }

    // ---- HTTP plumbing -----------------------------------------------------------------------------

    private record Response(int code, String body, boolean close) {
        Response(int code, String body) { this(code, body, false); }
    }

    @FunctionalInterface
    private interface Handler {
        Response handle(HttpExchange ex) throws IOException;
    }

    /** A request refused while its body was read or parsed: the response to send (already counted). */
    private static final class Refused extends Exception {
        final Response response;

        Refused(Response response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    private void exchange(HttpExchange ex, String method, Handler handler) {
        try (ex) {
            Response r;
            try {
                if (method != null && !method.equals(ex.getRequestMethod())) {
                    rejectedOther.increment();
                    ex.getResponseHeaders().set("Allow", method);
                    r = new Response(405, Json.error(ex.getRequestMethod() + " not allowed on " + ex.getRequestURI().getPath()
                            + "; use " + method));
                } else {
                    r = handler.handle(ex);
                }
            } catch (IOException e) {
                return;  // the client went away
            } catch (RuntimeException | Error e) {
                rejectedOther.increment();
                log.println("serve: internal error on " + ex.getRequestURI() + ": " + e);
                e.printStackTrace(log);
                log.flush();
                r = new Response(500, Json.error("internal error: " + e));
            }
            byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            if (r.close()) ex.getResponseHeaders().set("Connection", "close");
            ex.sendResponseHeaders(r.code(), bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the client went away while we answered
        }
    }

    /**
     * Per request thread: the buffer bodies are read into and the rows /train parses into, both grown as needed
     * (bodies up to {@code --max-body-bytes}) and reused, so a request leaves almost nothing for the collector.
     * Young collections stop every thread, predictions included: a pass over MNIST used to allocate 360 MB of bodies
     * and row arrays, a collection every few hundred milliseconds.
     */
    private static final class Scratch {
        byte[] body = new byte[64 * 1024];
        final CsvRows.Buffer rows = new CsvRows.Buffer();

        /** Room for {@code size} bytes, keeping the first {@code keep} bytes read so far. */
        void ensure(long size, int keep) {
            if (body.length >= size) return;
            byte[] bigger = new byte[(int) Math.max(size, Math.min(Integer.MAX_VALUE - 8, 2L * body.length))];
            System.arraycopy(body, 0, bigger, 0, keep);
            body = bigger;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Reads the whole body, at most {@code maxBodyBytes}, into {@code s.body}; returns its length. */
    private int body(HttpExchange ex, Scratch s) throws IOException, Refused {
        long max = config.maxBodyBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        InputStream in = ex.getRequestBody();
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length > max) throw new Refused(tooLarge("the body has " + length + " bytes, more than the limit of " + max));
            if (length >= 0) {
                s.ensure(length, 0);
                int got = in.readNBytes(s.body, 0, (int) length);
                if (got < length) throw new IOException("body ended after " + got + " of " + length + " bytes");
                return got;
            }
        }
        int size = 0;
        while (true) {
            int room = (int) Math.min(s.body.length, max) - size;
            if (room <= 0) {
                if (size >= max) {
                    if (in.read() < 0) return size;
                    throw new Refused(tooLarge("the body has more than the limit of " + max + " bytes"));
                }
                s.ensure(Math.min(max, 2L * size), size);
                continue;
            }
            int k = in.read(s.body, size, room);
            if (k < 0) return size;
            size += k;
        }
    }

    /**
     * Reads the body into this thread's buffers and parses it into this thread's row buffer: /train lines (label
     * first) for {@code classes > 0}, /predict lines for 0. Refused with 413 when too large, or 400 naming the bad
     * line, {@code rejectNote} appended.
     */
    private CsvRows.Buffer parsedBody(HttpExchange ex, int classes, String rejectNote) throws IOException, Refused {
        Scratch s = SCRATCH.get();
        int length = body(ex, s);
        try {
            CsvRows.parseInto(s.body, length, spec.inputs(), classes, spec.norm(), s.rows);
        } catch (CsvRows.BadInput e) {
            rejectedMalformed.increment();
            throw new Refused(new Response(400, Json.error(e.getMessage() + rejectNote)));
        }
        return s.rows;
    }

    private Response tooLarge(String message) {
        rejectedTooLarge.increment();
        return new Response(413, Json.error(message), true);
    }

    // ---- endpoints ---------------------------------------------------------------------------------

    private Response train(HttpExchange ex) throws IOException {
        trainRequests.increment();
        CsvRows.Buffer rows;
        try {
            rows = parsedBody(ex, spec.classes(), "; nothing from this request was accepted");
        } catch (Refused r) {
            return r.response;
        }
        if (rows.rows() > queue.capacity()) {
            return tooLarge("the request has " + rows.rows() + " examples, more than the training queue holds ("
                    + queue.capacity() + "); send smaller requests");
        }
        return switch (queue.offer(rows.features(), rows.labels(), rows.rows())) {
            case ACCEPTED -> new Response(202, Json.object().put("accepted", rows.rows()).put("queue_depth", queue.depth()).end());
            case FULL -> {
                rejectedFull.increment();
                yield new Response(429, Json.object()
                        .put("error", "the training queue is full: " + queue.depth() + " of " + queue.capacity()
                                + " examples waiting, " + rows.rows() + " do not fit; nothing from this request was accepted, retry later")
                        .put("queue_depth", queue.depth()).end());
            }
            case CLOSED -> {
                rejectedShuttingDown.increment();
                yield new Response(503, Json.error(trainer.failure() != null
                        ? "training has failed: " + trainer.failure() : "the server is shutting down; nothing was accepted"), true);
            }
        };
    }

    private Response predict(HttpExchange ex) throws IOException {
        long t0 = System.nanoTime();
        predictRequests.increment();
        CsvRows.Buffer rows;
        try {
            rows = parsedBody(ex, 0, "");
        } catch (Refused r) {
            return r.response;
        }
        if (rows.rows() > config.maxPredictRows()) {
            return tooLarge("the request has " + rows.rows() + " lines, more than the limit of " + config.maxPredictRows());
        }
        ParameterSnapshot snapshot = publisher.current();
        int n = rows.rows(), f = spec.inputs(), classes = spec.classes();
        float[] logits = new float[n * classes];
        for (int off = 0; off < n; off += PREDICT_CHUNK) {
            int k = Math.min(PREDICT_CHUNK, n - off);  // any k: the compiled forward's batch is dynamic
            float[] in = new float[k * f];
            System.arraycopy(rows.features(), off * f, in, 0, k * f);
            float[] out = infer.forward(snapshot, Tensor.wrap(in, k, f)).toArray();
            System.arraycopy(out, 0, logits, off * classes, k * classes);
        }
        StringBuilder cls = new StringBuilder(n * 3), probs = new StringBuilder(n * classes * 12);
        cls.append('[');
        probs.append('[');
        for (int r = 0; r < n; r++) {
            if (r > 0) {
                cls.append(',');
                probs.append(',');
            }
            double[] p = Predictor.softmax(logits, r * classes, classes);
            int best = Predictor.argmax(logits, r * classes, classes);
            cls.append(best);
            probs.append('[');
            for (int c = 0; c < classes; c++) {
                if (c > 0) probs.append(',');
                if (!Double.isFinite(p[c])) {
                    rejectedOther.increment();
                    return new Response(500, Json.error("the model's output is not finite (version " + snapshot.version()
                            + "); the training diverged, restart with a smaller --lr"));
                }
                probs.append(p[c]);
            }
            probs.append(']');
        }
        cls.append(']');
        probs.append(']');
        Json j = Json.object(64 + cls.length() + probs.length()).put("version", snapshot.version());
        j.raw("classes").append(cls);
        j.raw("probabilities").append(probs);
        String body = j.end();
        predictRows.add(n);
        predictLatency.recordNanos(System.nanoTime() - t0);
        return new Response(200, body);
    }

    /** The /metrics document. */
    String metricsJson() {
        long now = System.nanoTime();
        ExampleQueue.Ledger l = queue.ledger();
        LatencyHistogram.Summary lat = predictLatency.summary();
        long rejected = rejectedMalformed.sum() + rejectedFull.sum() + rejectedTooLarge.sum() + rejectedShuttingDown.sum()
                + rejectedOther.sum();
        Json j = Json.object(1024)
                .put("state", trainer.failure() != null ? "failed" : state)
                .put("uptime_s", round((now - startNanos) / 1e9, 3))
                .put("model", spec.describe())
                .put("accepted_examples", l.accepted())
                .put("trained_examples", l.trained())
                .put("in_flight_examples", l.inFlight())
                .put("queue_depth", l.depth())
                .put("queue_capacity", queue.capacity())
                .put("train_requests", trainRequests.sum())
                .put("predict_requests", predictRequests.sum())
                .put("predict_rows", predictRows.sum())
                .put("rejected_requests", rejected)
                .put("rejected_malformed", rejectedMalformed.sum())
                .put("rejected_queue_full", rejectedFull.sum())
                .put("rejected_too_large", rejectedTooLarge.sum())
                .put("rejected_shutting_down", rejectedShuttingDown.sum())
                .put("rejected_other", rejectedOther.sum())
                .put("train_steps", trainer.steps())
                .put("train_steps_per_s", round(trainer.stepRate.perSecond(now), 1))
                .put("train_examples_per_s", round(trainer.exampleRate.perSecond(now), 1))
                .put("recent_loss", round(trainer.recentLoss(), 5))
                .put("model_version", publisher.current().version())
                .put("checkpoints_written", trainer.checkpointsWritten.get())
                .put("checkpoint_failures", trainer.checkpointFailures.get())
                .put("nonfinite_losses", trainer.nonFiniteLosses.get());
        j.raw("predict_latency_ms").append(Json.object()
                .put("count", lat.count()).put("p50", lat.p50Ms()).put("p90", lat.p90Ms()).put("p99", lat.p99Ms())
                .put("p999", lat.p999Ms()).put("max", lat.maxMs()).end());
        return j.end();
    }

    private static double round(double v, int places) {
        if (!Double.isFinite(v)) return v;
        double scale = Math.pow(10, places);
        return Math.round(v * scale) / scale;
    }

    // ---- shutdown ----------------------------------------------------------------------------------

    /**
     * Stops: refuses new training data (503), stops the HTTP server once running requests have
     * finished (at most {@code graceSeconds}), waits for the trainer to train every queued example,
     * publishes the final weights and, with {@code --save}, writes the checkpoint. Idempotent: later
     * calls return the first report.
     */
    public StopReport stop() {
        synchronized (stopLock) {
            if (report != null) return report;
            state = "draining";
            queue.close();
            http.stop(1);
            handlers.shutdown();
            trainHandlers.shutdown();
            String problem = null;
            try {
                if (!handlers.awaitTermination(30, TimeUnit.SECONDS) || !trainHandlers.awaitTermination(30, TimeUnit.SECONDS)) {
                    problem = "request handlers still running after 30 s";
                }
                trainerThread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "interrupted while draining";
            }
            if (trainer.failure() != null) problem = "the trainer failed: " + trainer.failure();
            boolean written = false;
            if (config.save() != null && trainer.failure() == null) {
                written = trainer.save(config.save(), false);
                if (!written) problem = "the final checkpoint could not be written to " + config.save();
            }
            ExampleQueue.Ledger l = queue.ledger();
            report = new StopReport(l.accepted(), l.trained(), trainer.steps(), publisher.current().version(), written, problem);
            state = "stopped";
            stopped.countDown();
            return report;
        }
    }

    /** Blocks until {@link #stop()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Compiled training specializations so far (tests). */
    int trainCompileCount() { return trainer.compileCount(); }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TrainingServer[%s, %s]", uri(), spec.describe());
    }
}
