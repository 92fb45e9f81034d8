package org.jitgrad.app.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
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
import org.jitgrad.app.model.ModelSpec;
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
 * <p>A client that stalls mid-request holds a handler thread until the JDK's request time limit
 * closes its connection; there is none unless {@link RequestTimeLimit#apply} ran before the JVM's first
 * {@code HttpServer} ({@code ./jitgrad serve} does).
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
    private final Thread trainerThread;
    private final WarmUpPlan warmUpPlan;
    private final Thread warmUpThread;
    /** Where the warm-up's uploads go: the real parsing and queueing code, then emptied at once. */
    private final ExampleQueue warmUpQueue;
    private final float[] warmUpX, warmUpY;
    /** Requests are served (and the trainer runs) once this is true; until then /health answers 503. */
    private volatile boolean ready;
    private volatile String warmUpPhase = "starting";
    private final CountDownLatch readyLatch = new CountDownLatch(1);
    /** Guards the hand-over from the warm-up to serving against a concurrent stop. */
    private final Object readyLock = new Object();
    private boolean stopRequested;
    private volatile boolean stopping;
    private Runnable beforeWarmUp = () -> { };
    private final HttpServer http;
    private final ThreadPoolExecutor handlers;
    private final ThreadPoolExecutor trainHandlers;
    /** What /metrics reports; the warm-up's own requests count in {@link #warmUpCounters} instead. */
    private final RequestCounters counters = new RequestCounters(), warmUpCounters = new RequestCounters();
    /** The local port of the warm-up's loopback connection while it runs (0: none): its requests are served before ready. */
    private volatile int warmUpClientPort;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object stopLock = new Object();
    private volatile String state = "running";
    private StopReport report;

    /** What {@link #stop()} did. */
    public record StopReport(long accepted, long trained, long steps, long modelVersion, boolean checkpointWritten, String problem) {
        /** Every accepted example was trained and the checkpoint (if asked for) written. */
        public boolean clean() { return accepted == trained && problem == null; }
    }

    private TrainingServer(ServeConfig config, ModelSpec spec, Sequential net, Adam optimizer, PrintWriter log, WarmUpPlan plan)
            throws IOException {
        this.config = config;
        this.warmUpPlan = plan;
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
        this.trainer = new Trainer(config, spec, net, served, optimizer, queue, publisher, log, startNanos);
        this.warmUpQueue = new ExampleQueue(ServerWarmUp.MAX_UPLOAD_ROWS, spec.inputs());
        this.warmUpX = new float[ServerWarmUp.MAX_UPLOAD_ROWS * spec.inputs()];
        this.warmUpY = new float[ServerWarmUp.MAX_UPLOAD_ROWS];
        this.warmUpThread = new Thread(this::warmUpThenServe, "serve-warm-up");
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
        route("/train", ex -> {
            RequestCounters c = countersFor(ex);
            if (c == null) {
                exchange(ex, "POST", counters, this::notReady);
                return;
            }
            try {
                trainHandlers.execute(() -> exchange(ex, "POST", c, e -> c == counters ? train(e, queue, c) : warmUpTrain(e, c)));
            } catch (RejectedExecutionException e) {
                exchange(ex, "POST", c, x -> {
                    c.rejectedFull.increment();
                    return new Response(429, Json.error("too many /train requests are waiting to be parsed (" + TRAIN_BACKLOG
                            + "); nothing from this request was accepted, retry later"));
                });
            }
        });
        route("/predict", ex -> {
            RequestCounters c = countersFor(ex);
            exchange(ex, "POST", c == null ? counters : c, e -> c == null ? notReady(e) : predict(e, c));
        });
        route("/metrics", ex -> exchange(ex, "GET", counters, e -> new Response(200, metricsJson())));
        route("/health", ex -> exchange(ex, "GET", counters, e -> health()));
        http.createContext("/", this::notFound);
    }

    /**
     * Serves exactly {@code path}: the JDK matches a context by string prefix, so {@code /healthz},
     * {@code /health/x} and {@code /trainer} would otherwise reach it.
     */
    private void route(String path, HttpHandler handler) {
        http.createContext(path, ex -> {
            if (path.equals(ex.getRequestURI().getPath())) handler.handle(ex);
            else notFound(ex);
        });
    }

    private void notFound(HttpExchange ex) {
        exchange(ex, null, counters, e -> {
            counters.rejectedOther.increment();
            return new Response(404, Json.error("no such endpoint: " + e.getRequestURI().getPath()
                    + " (POST /train, POST /predict, GET /metrics, GET /health)"));
        });
    }

    /**
     * Starts serving {@code net} (trained in place with {@code optimizer}, which must manage exactly
     * {@code net.parameters()}) and returns once it is ready: the port is bound, the warm-up
     * ({@link WarmUpPlan#standard()}, or none when {@code config.warmUp()} is false) has finished and
     * the trainer runs.
     */
    public static TrainingServer start(ServeConfig config, ModelSpec spec, Sequential net, Adam optimizer, PrintWriter log)
            throws IOException {
        return start(config, spec, net, optimizer, log, null);
    }

    /**
     * Like {@link #start(ServeConfig, ModelSpec, Sequential, Adam, PrintWriter)}, the trainer also
     * averaging its model with other replicas through {@code merge} (null: alone); {@link #stop()}
     * leaves them once the trainer has finished.
     */
    public static TrainingServer start(ServeConfig config, ModelSpec spec, Sequential net, Adam optimizer, PrintWriter log,
                                       ModelMerge merge) throws IOException {
        TrainingServer s = startWarmingUp(config, spec, net, optimizer, log, config.warmUp() ? WarmUpPlan.standard() : WarmUpPlan.none());
        s.mergeWith(merge);
        s.awaitReady();
        return s;
    }

    /**
     * Binds the port and returns at once, while the server warms up on a thread of its own as {@code plan} says.
     * Until it is ready {@code GET /health} answers 503 with the reason, {@code /predict} and {@code /train} answer
     * 503 (nothing is accepted) and {@code /metrics} reports the state {@code warming_up}; then the trainer starts
     * and {@code /health} answers 200.
     */
    public static TrainingServer startWarmingUp(ServeConfig config, ModelSpec spec, Sequential net, Adam optimizer, PrintWriter log,
                                                WarmUpPlan plan) throws IOException {
        return startWarmingUp(config, spec, net, optimizer, log, plan, () -> { });
    }

    /** As above, with {@code beforeWarmUp} run first on the warm-up thread (tests hold the server not ready with it). */
    static TrainingServer startWarmingUp(ServeConfig config, ModelSpec spec, Sequential net, Adam optimizer, PrintWriter log,
                                         WarmUpPlan plan, Runnable beforeWarmUp) throws IOException {
        TrainingServer s = new TrainingServer(config, spec, net, optimizer, log, plan);
        s.beforeWarmUp = beforeWarmUp;
        s.state = "warming_up";
        s.http.start();
        s.warmUpThread.start();
        return s;
    }

    /**
     * Makes the trainer average its model with other replicas through {@code merge} from now on (null:
     * nothing changes); {@link #stop()} leaves them once the trainer has finished.
     */
    public void mergeWith(ModelMerge merge) {
        if (merge != null) trainer.mergeWith(merge);
    }

    /** Blocks until the server is ready (or stopped before it got there). */
    public void awaitReady() {
        boolean interrupted = false;
        while (true) {
            try {
                readyLatch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Whether the warm-up has finished and requests are served. */
    public boolean isReady() { return ready; }

    /** The warm-up thread: warms up (unless the plan says not to), then starts the trainer and opens the endpoints. */
    private void warmUpThenServe() {
        try {
            beforeWarmUp.run();
            if (warmUpPlan.enabled() && !stopping) warmUp();
        } finally {
            synchronized (readyLock) {
                if (!stopRequested) {
                    trainerThread.start();
                    // What is left to compile (or to recompile, when real traffic takes a branch the warm-up never
                    // did) then waits behind the request threads instead of taking their core.
                    int n = OsThreadPriority.setNiceOfThreadsNamed(BACKGROUND_NICE, "C1 CompilerThre", "C2 CompilerThre");
                    log.println("serve: " + n + " JIT compiler threads now run at nice " + BACKGROUND_NICE);
                    if ("warming_up".equals(state)) state = "running";
                    ready = true;
                    log.printf(Locale.ROOT, "serve: ready after %.1f s (GET /health answers 200)%n", (System.nanoTime() - startNanos) / 1e9);
                    log.flush();
                }
            }
            readyLatch.countDown();
        }
    }

    private void warmUp() {
        long t0 = System.nanoTime();
        try {
            // Every padded prediction size once (compiles the specializations); the rest goes through HTTP.
            warmUpPhase = "compiling the prediction specializations";
            ParameterSnapshot s = publisher.current();
            for (int rows = 1; rows <= PREDICT_CHUNK; rows *= 2) infer.forward(s, Tensor.zeros(rows, spec.inputs()));
            ServerWarmUp.Report r = new ServerWarmUp(selfUri(), trainer, spec.inputs(), spec.classes(), warmUpPlan, () -> stopping,
                    p -> warmUpPhase = p, port -> warmUpClientPort = port).run();
            log.printf(Locale.ROOT, "serve: warm-up: %d rounds in %d ms: %d single-row predictions, %d uploads and %d training batches"
                            + " on random data through the server's own code (weights and Adam state put back); the JIT compiled for %d ms,"
                            + " nothing in the last %d rounds%s%n",
                    r.rounds(), (System.nanoTime() - t0) / 1_000_000, r.predicts(), r.uploads(), r.batches(), r.compileMillis(),
                    r.quietRounds(), r.timedOut() ? " (stopped by the time limit)" : r.aborted() ? " (stopped: the server is stopping)" : "");
        } catch (IOException | RuntimeException e) {
            log.println("serve: the warm-up failed (" + e + "); serving anyway, the first requests will be slower");
        } finally {
            warmUpClientPort = 0;
        }
        log.flush();
    }

    /** The server's address as a client on this machine reaches it: loopback when it listens on every address. */
    private URI selfUri() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + a.getPort());
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

    /**
     * The counters {@code ex} counts in: the real ones once ready; before, the warm-up's for a request on the
     * warm-up's own loopback connection, and null (refuse: not ready) for any other.
     */
    private RequestCounters countersFor(HttpExchange ex) {
        if (ready) return counters;
        int port = warmUpClientPort;
        InetSocketAddress from = ex.getRemoteAddress();
        boolean local = from.getAddress().isLoopbackAddress() || from.getAddress().equals(http.getAddress().getAddress());
        return port != 0 && from.getPort() == port && local ? warmUpCounters : null;
    }

    private void exchange(HttpExchange ex, String method, RequestCounters c, Handler handler) {
        // HEAD is GET without the body (RFC 9110): load balancers' health checks use it
        boolean head = "HEAD".equals(ex.getRequestMethod());
        try (ex) {
            Response r;
            try {
                if (method != null && !method.equals(ex.getRequestMethod()) && !(head && method.equals("GET"))) {
                    c.rejectedOther.increment();
                    ex.getResponseHeaders().set("Allow", method.equals("GET") ? "GET, HEAD" : method);
                    r = new Response(405, Json.error(ex.getRequestMethod() + " not allowed on " + ex.getRequestURI().getPath()
                            + "; use " + method));
                } else {
                    r = handler.handle(ex);
                }
            } catch (IOException e) {
                return;  // the client went away
            } catch (RuntimeException | Error e) {
                c.rejectedOther.increment();
                log.println("serve: internal error on " + ex.getRequestURI() + ": " + e);
                e.printStackTrace(log);
                log.flush();
                r = new Response(500, Json.error("internal error: " + e));
            }
            byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            if (r.close()) ex.getResponseHeaders().set("Connection", "close");
            if (head) {
                ex.sendResponseHeaders(r.code(), -1);
                return;
            }
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
    private int body(HttpExchange ex, Scratch s, RequestCounters c) throws IOException, Refused {
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
            if (length > max) throw new Refused(tooLarge("the body has " + length + " bytes, more than the limit of " + max, c));
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
                    throw new Refused(tooLarge("the body has more than the limit of " + max + " bytes", c));
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
    private CsvRows.Buffer parsedBody(HttpExchange ex, int classes, String rejectNote, RequestCounters c) throws IOException, Refused {
        Scratch s = SCRATCH.get();
        int length = body(ex, s, c);
        try {
            CsvRows.parseInto(s.body, length, spec.inputs(), classes, spec.norm(), s.rows);
        } catch (CsvRows.BadInput e) {
            c.rejectedMalformed.increment();
            throw new Refused(new Response(400, Json.error(e.getMessage() + rejectNote)));
        }
        return s.rows;
    }

    private Response tooLarge(String message, RequestCounters c) {
        c.rejectedTooLarge.increment();
        return new Response(413, Json.error(message), true);
    }

    // ---- endpoints ---------------------------------------------------------------------------------

    /** {@code GET /health}: 200 once ready and while serving; 503 with the reason while warming up, stopping or failed. */
    private Response health() {
        Throwable failed = trainer.failure();
        String st = failed != null ? "failed" : state;
        Json j = Json.object().put("status", st).put("ready", ready && failed == null && !stopping);
        if (failed != null) return new Response(503, j.put("reason", "training has failed: " + failed).end());
        if (stopping) return new Response(503, j.put("reason", "the server is shutting down").end());
        if (!ready) {
            return new Response(503, j.put("reason", "warming up (" + warmUpPhase + ")")
                    .put("uptime_s", round((System.nanoTime() - startNanos) / 1e9, 3)).end());
        }
        return new Response(200, j.put("model_version", publisher.current().version()).end());
    }

    /** /predict or /train before the warm-up has finished: 503, nothing accepted. */
    private Response notReady(HttpExchange ex) {
        counters.rejectedNotReady.increment();
        ex.getResponseHeaders().set("Retry-After", "1");
        return new Response(503, Json.object().put("error", "not ready: the server is warming up (" + warmUpPhase
                + "); nothing was accepted; poll GET /health until it answers 200").put("state", "warming_up").end());
    }

    /** The warm-up's uploads: parsed and queued as a real /train, into a queue of their own that is emptied at once. */
    private Response warmUpTrain(HttpExchange ex, RequestCounters c) throws IOException {
        synchronized (warmUpQueue) {
            Response r = train(ex, warmUpQueue, c);
            int n;
            while (warmUpQueue.depth() > 0 && (n = takeWarmUp()) > 0) warmUpQueue.trained(n);
            return r;
        }
    }

    private int takeWarmUp() throws IOException {
        try {
            return warmUpQueue.take(warmUpX, warmUpY, ServerWarmUp.MAX_UPLOAD_ROWS, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private Response train(HttpExchange ex, ExampleQueue queue, RequestCounters c) throws IOException {
        c.trainRequests.increment();
        CsvRows.Buffer rows;
        try {
            rows = parsedBody(ex, spec.classes(), "; nothing from this request was accepted", c);
        } catch (Refused r) {
            return r.response;
        }
        if (rows.rows() > queue.capacity()) {
            return tooLarge("the request has " + rows.rows() + " examples, more than the training queue holds ("
                    + queue.capacity() + "); send smaller requests", c);
        }
        return switch (queue.offer(rows.features(), rows.labels(), rows.rows())) {
            case ACCEPTED -> new Response(202, Json.object().put("accepted", rows.rows()).put("queue_depth", queue.depth()).end());
            case FULL -> {
                c.rejectedFull.increment();
                yield new Response(429, Json.object()
                        .put("error", "the training queue is full: " + queue.depth() + " of " + queue.capacity()
                                + " examples waiting, " + rows.rows() + " do not fit; nothing from this request was accepted, retry later")
                        .put("queue_depth", queue.depth()).end());
            }
            case CLOSED -> {
                c.rejectedShuttingDown.increment();
                yield new Response(503, Json.error(trainer.failure() != null
                        ? "training has failed: " + trainer.failure() : "the server is shutting down; nothing was accepted"), true);
            }
        };
    }

    private Response predict(HttpExchange ex, RequestCounters c) throws IOException {
        long t0 = System.nanoTime();
        c.predictRequests.increment();
        CsvRows.Buffer rows;
        try {
            rows = parsedBody(ex, 0, "", c);
        } catch (Refused r) {
            return r.response;
        }
        if (rows.rows() > config.maxPredictRows()) {
            return tooLarge("the request has " + rows.rows() + " lines, more than the limit of " + config.maxPredictRows(), c);
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
        String body = PredictionJson.of(snapshot.version(), logits, n, classes);
        if (body == null) {
            c.rejectedOther.increment();
            return new Response(500, Json.error("the model's output is not finite (version " + snapshot.version()
                    + "); the training diverged, restart with a smaller --lr"));
        }
        c.predictRows.add(n);
        c.predictLatency.recordNanos(System.nanoTime() - t0);
        return new Response(200, body);
    }

    /** The /metrics document. */
    String metricsJson() {
        long now = System.nanoTime();
        ExampleQueue.Ledger l = queue.ledger();
        RequestCounters c = counters;
        LatencyHistogram.Summary lat = c.predictLatency.summary();
        long rejected = c.rejected();
        Json j = Json.object(1024)
                .put("state", trainer.failure() != null ? "failed" : state)
                .put("uptime_s", round((now - startNanos) / 1e9, 3))
                .put("model", spec.describe())
                .put("accepted_examples", l.accepted())
                .put("trained_examples", l.trained())
                .put("in_flight_examples", l.inFlight())
                .put("queue_depth", l.depth())
                .put("queue_capacity", queue.capacity())
                .put("train_requests", c.trainRequests.sum())
                .put("predict_requests", c.predictRequests.sum())
                .put("predict_rows", c.predictRows.sum())
                .put("rejected_requests", rejected)
                .put("rejected_malformed", c.rejectedMalformed.sum())
                .put("rejected_queue_full", c.rejectedFull.sum())
                .put("rejected_too_large", c.rejectedTooLarge.sum())
                .put("rejected_shutting_down", c.rejectedShuttingDown.sum())
                .put("rejected_not_ready", c.rejectedNotReady.sum())
                .put("rejected_other", c.rejectedOther.sum())
                .put("train_steps", trainer.steps())
                .put("train_steps_per_s", round(trainer.stepRate.perSecond(now), 1))
                .put("train_examples_per_s", round(trainer.exampleRate.perSecond(now), 1))
                .put("recent_loss", round(trainer.recentLoss(), 5))
                .put("model_version", publisher.current().version())
                .put("checkpoints_written", trainer.checkpointsWritten.get())
                .put("checkpoint_failures", trainer.checkpointFailures.get())
                .put("nonfinite_losses", trainer.nonFiniteLosses.get())
                .put("rolled_back_examples", trainer.rolledBackExamples.get());
        if (trainer.mergeRounds() >= 0) j.put("merge_rounds", trainer.mergeRounds());
        j.raw("predict_latency_ms").append(Json.object()
                .put("count", lat.count()).put("p50", lat.p50Ms()).put("p90", lat.p90Ms()).put("p99", lat.p99Ms())
                .put("p999", lat.p999Ms()).put("max", lat.maxMs()).end());
        return j.end();
    }

    /** {@code v} to {@code places} decimals; values too large for a long once scaled are already that precise. */
    static double round(double v, int places) {
        double scale = Math.pow(10, places);
        if (!Double.isFinite(v) || Math.abs(v * scale) >= 0x1p52) return v;  // Math.round would clamp at Long.MAX_VALUE
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
            stopping = true;
            synchronized (readyLock) {
                stopRequested = true;
            }
            boolean interrupted = false;
            while (warmUpThread.isAlive()) {
                try {
                    warmUpThread.join();  // it polls `stopping` between requests and puts the weights back
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
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
                trainer.leaveMerge();
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
