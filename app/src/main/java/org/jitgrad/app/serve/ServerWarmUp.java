package org.jitgrad.app.serve;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The server's warm-up, run on a thread of its own between binding the port and reporting ready: the first
 * request of a cold client must not pay for class loading, interpreted code or the JIT compiling on the cores
 * that answer it. It drives the same code real requests run, through the server's own HTTP stack on loopback, on
 * the same endpoints: single-row predictions and multi-row ones on {@code /predict}, small uploads on
 * {@code /train}, {@code /metrics} and {@code /health}; and the trainer's batch code on random data
 * ({@link Trainer.WarmUp}, which puts the weights back). The server recognises the warm-up's requests by their
 * connection (its loopback port, which it is told) and serves them before it is ready, counting them apart and
 * queueing their examples in a throwaway queue: none of it reaches {@code /metrics}, the training queue or the
 * published weights. Real answers hold probabilities down to 1e-30 and beyond, which an untrained model never
 * gives, so the warm-up also formats answers of widely spread logits: their digits take paths of
 * {@code Double.toString} (exponents) that would otherwise be compiled, and first deoptimized, under load.
 *
 * <p>It runs in rounds until the {@link WarmUpPlan}'s minimums are met and the JIT has compiled nothing for the
 * plan's number of rounds in a row (measured with the JVM's total compilation time), or until its time is up.
 */
final class ServerWarmUp {
    static final String PREDICT_PATH = "/predict", TRAIN_PATH = "/train";
    /** Work of one round (less when the plan's minimums are smaller). */
    static final int PREDICTS_PER_ROUND = 250, UPLOADS_PER_ROUND = 250, BATCHES_PER_ROUND = 25, FORMATS_PER_ROUND = 250;
    /** Most rows of one warm-up upload: small, so that the per-request code gets many calls. */
    static final int MAX_UPLOAD_ROWS = 100;

    /** What a warm-up did, for the log line. */
    record Report(int rounds, long predicts, long uploads, int batches, long millis, long compileMillis, int quietRounds,
                  boolean timedOut, boolean aborted) {}

    private final URI self;
    private final Trainer trainer;
    private final int inputs, classes;
    private final WarmUpPlan plan;
    private final BooleanSupplier abort;
    private final Consumer<String> phase;
    private final IntConsumer clientPort;
    private final Random rnd = new Random(7);

    /**
     * @param self    where the server answers (a loopback address when it listens on all of them)
     * @param abort   polled between steps: true ends the warm-up early (the server is stopping)
     * @param phase   told what the warm-up is doing, for {@code /health}
     * @param clientPort told the local port of each connection the warm-up opens, before its first request
     */
    ServerWarmUp(URI self, Trainer trainer, int inputs, int classes, WarmUpPlan plan, BooleanSupplier abort, Consumer<String> phase,
                 IntConsumer clientPort) {
        this.self = self;
        this.trainer = trainer;
        this.inputs = inputs;
        this.classes = classes;
        this.plan = plan;
        this.abort = abort;
        this.phase = phase;
        this.clientPort = clientPort;
    }

    Report run() throws IOException {
        long t0 = System.nanoTime(), end = t0 + plan.maxMillis() * 1_000_000L;
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long compile0 = timed ? jit.getTotalCompilationTime() : 0;
        byte[][] singles = new byte[64][], uploads = new byte[32][];
        for (int i = 0; i < singles.length; i++) singles[i] = csv(1, false);
        for (int i = 0; i < uploads.length; i++) uploads[i] = csv(i % 8 == 7 ? MAX_UPLOAD_ROWS : 1 + rnd.nextInt(16), true);
        int perRoundPredicts = Math.max(1, Math.min(PREDICTS_PER_ROUND, plan.minRequests()));
        int perRoundUploads = Math.max(1, Math.min(UPLOADS_PER_ROUND, plan.minRequests()));
        int perRoundBatches = Math.max(1, Math.min(BATCHES_PER_ROUND, plan.minBatches()));
        int rounds = 0, quiet = 0;
        long predicts = 0, sent = 0;
        phase.accept("compiling the training step");
        float[] logits = new float[FORMATS_PER_ROUND * classes];
        try (Trainer.WarmUp batches = trainer.beginWarmUp(); BlockingHttpClient http = new BlockingHttpClient(self, clientPort)) {
            while (!abort.getAsBoolean()) {
                long before = timed ? jit.getTotalCompilationTime() : 0;
                phase.accept("round " + (rounds + 1) + ": predictions");
                for (int i = 0; i < perRoundPredicts && !abort.getAsBoolean(); i++, predicts++) {
                    expect(200, http.post(PREDICT_PATH, singles[i % singles.length]), PREDICT_PATH);
                }
                int rows = 2 + (rounds * 37) % 299;  // multi-row requests: every padded size over the rounds
                expect(200, http.post(PREDICT_PATH, csv(rows, false)), PREDICT_PATH);
                for (int i = 0; i < logits.length; i++) logits[i] = (float) (rnd.nextGaussian() * rnd.nextInt(60));
                if (PredictionJson.of(rounds, logits, FORMATS_PER_ROUND, classes) == null) throw new IllegalStateException("not finite");
                phase.accept("round " + (rounds + 1) + ": uploads");
                for (int i = 0; i < perRoundUploads && !abort.getAsBoolean(); i++, sent++) {
                    expect(202, http.post(TRAIN_PATH, uploads[i % uploads.length]), TRAIN_PATH);
                }
                phase.accept("round " + (rounds + 1) + ": training batches");
                batches.steps(perRoundBatches);
                expect(200, http.get("/metrics"), "/metrics");
                expect(503, http.get("/health"), "/health");
                rounds++;
                boolean compiled = timed && jit.getTotalCompilationTime() > before;
                quiet = compiled ? 0 : quiet + 1;
                boolean enough = predicts >= plan.minRequests() && sent >= plan.minRequests() && batches.taken() >= plan.minBatches();
                if (enough && quiet >= plan.quietRounds()) break;
                if (System.nanoTime() > end) {
                    return report(rounds, predicts, sent, batches.taken(), t0, timed ? jit.getTotalCompilationTime() - compile0 : -1,
                            quiet, true, false);
                }
            }
            return report(rounds, predicts, sent, batches.taken(), t0, timed ? jit.getTotalCompilationTime() - compile0 : -1, quiet,
                    false, abort.getAsBoolean());
        }
    }

    private static Report report(int rounds, long predicts, long uploads, int batches, long t0, long compileMillis, int quiet,
                                 boolean timedOut, boolean aborted) {
        return new Report(rounds, predicts, uploads, batches, (System.nanoTime() - t0) / 1_000_000, compileMillis, quiet, timedOut,
                aborted);
    }

    private static void expect(int status, BlockingHttpClient.Reply r, String path) throws IOException {
        if (r.status() != status) {
            throw new IOException("warm-up: " + path + " answered " + r.status() + " (expected " + status + "): "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    /** {@code rows} lines of pixel-like values (most 0, the rest decimals in 0..1), with a label first if asked. */
    private byte[] csv(int rows, boolean labels) {
        StringBuilder sb = new StringBuilder(rows * inputs * 4);
        for (int r = 0; r < rows; r++) {
            if (labels) sb.append(rnd.nextInt(classes)).append(',');
            for (int j = 0; j < inputs; j++) {
                if (j > 0) sb.append(',');
                int kind = rnd.nextInt(10);
                if (kind < 7) sb.append('0');
                else if (kind == 7) sb.append('1');
                else sb.append(rnd.nextFloat());
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
