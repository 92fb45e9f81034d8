package org.jitgrad.app.serve;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.jitgrad.app.checkpoint.Checkpoint;
import org.jitgrad.app.checkpoint.CheckpointFile;
import org.jitgrad.app.model.ModelSpec;
import org.jitgrad.compile.Compiled;
import org.jitgrad.nn.Losses;
import org.jitgrad.nn.Sequential;
import org.jitgrad.optim.Adam;
import org.jitgrad.snapshot.SnapshotPublisher;
import org.jitgrad.tensor.Tensor;

/**
 * The one thread that trains. It drains the {@link ExampleQueue} in mini-batches through the
 * compiled step with Adam fused in, keeps the served weights (the raw weights, or their exponential
 * moving average) and publishes them as a snapshot every {@code publishEvery} steps and whenever the
 * queue runs dry, and writes checkpoints. Everything that touches the live parameters happens on
 * this thread; request threads only read published snapshots.
 *
 * <p>Partial batches: when fewer than a batch are queued the trainer waits up to the linger time for
 * more, then trains what it has in one step. The compiled step's batch is dynamic, so one program
 * serves every batch size (the partial batch is copied into arrays of its size: an allocation only
 * when the queue runs dry).
 */
final class Trainer implements Runnable {
    /** Steps whose losses make {@code recent_loss}. */
    static final int LOSS_WINDOW = 50;

    private final ServeConfig config;
    private final ModelSpec spec;
    private final Sequential net;
    private final Sequential served;
    private final Adam optimizer;
    private final ExampleQueue queue;
    private final SnapshotPublisher publisher;
    private final PrintWriter log;
    private final Compiled step;
    private final int featureCount;
    private final float[] batchX, batchY;
    private final Tensor batchXT, batchYT;
    private final float[][] partX, partY;
    private final Tensor[] partXT, partYT;
    private final List<Tensor> live, average;

    final RateMeter stepRate;
    final RateMeter exampleRate;
    private final double[] losses = new double[LOSS_WINDOW];
    private volatile double recentLoss = Double.NaN;
    private volatile long steps;
    final AtomicLong checkpointsWritten = new AtomicLong();
    final AtomicLong checkpointFailures = new AtomicLong();
    final AtomicLong nonFiniteLosses = new AtomicLong();
    private volatile Throwable failure;
    private long unpublishedSteps;

    /**
     * @param served the model whose parameters {@code publisher} publishes: {@code net} itself, or a
     *               copy of the same shape that holds the moving average
     */
    Trainer(ServeConfig config, ModelSpec spec, Sequential net, Sequential served, Adam optimizer, ExampleQueue queue,
            SnapshotPublisher publisher, PrintWriter log, long originNanos) {
        this.config = config;
        this.spec = spec;
        this.net = net;
        this.served = served;
        this.optimizer = optimizer;
        this.queue = queue;
        this.publisher = publisher;
        this.log = log;
        this.featureCount = spec.inputs();
        int powers = 32 - Integer.numberOfLeadingZeros(config.batch());
        this.step = Compiled.trace(in -> Losses.crossEntropy(net.forward(in[0]), in[1]))
                .withOptimizer(optimizer)
                .withDynamicBatch();
        this.batchX = new float[config.batch() * featureCount];
        this.batchY = new float[config.batch()];
        this.batchXT = Tensor.wrap(batchX, config.batch(), featureCount);
        this.batchYT = Tensor.wrap(batchY, config.batch());
        this.partX = new float[powers][];
        this.partY = new float[powers][];
        this.partXT = new Tensor[powers];
        this.partYT = new Tensor[powers];
        this.live = net.parameters();
        this.average = served == net ? null : served.parameters();
        this.stepRate = new RateMeter(originNanos);
        this.exampleRate = new RateMeter(originNanos);
    }

    @Override
    public void run() {
        try {
            long linger = config.lingerMillis() * 1_000_000L;
            while (true) {
                int n = queue.take(batchX, batchY, config.batch(), linger);
                if (n == 0) break;  // closed and drained
                if (n == config.batch()) {
                    stepOn(batchXT, batchYT, n);
                } else {
                    stepOn(Tensor.wrap(java.util.Arrays.copyOf(batchX, n * featureCount), n, featureCount),
                            Tensor.wrap(java.util.Arrays.copyOf(batchY, n), n), n);
                }
                if (queue.depth() == 0 && unpublishedSteps > 0) publish();
            }
            if (unpublishedSteps > 0) publish();
        } catch (Throwable t) {
            failure = t;
            queue.close();
            log.println("serve: the trainer failed: " + t);
            t.printStackTrace(log);
            log.flush();
        }
    }

    private void allocatePart(int p) {
        if (partX[p] != null) return;
        int size = 1 << p;
        partX[p] = new float[size * featureCount];
        partY[p] = new float[size];
        partXT[p] = Tensor.wrap(partX[p], size, featureCount);
        partYT[p] = Tensor.wrap(partY[p], size);
    }

    /**
     * Trains on random batches before any real example arrives, then puts the weights and Adam's
     * state back exactly: compiles the step (one program for every batch size), runs it on partial
     * batches of every power of two and lets the JIT compile the step's kernels, so the first seconds
     * of serving don't run them interpreted (slow, and allocating a boxed vector per operation). Call
     * before {@link #run()}.
     *
     * @return the number of full-batch steps taken
     */
    int warmUp(int maxSteps, long budgetNanos) {
        long end = System.nanoTime() + budgetNanos;
        SavedTrainingState saved = SavedTrainingState.capture(live, optimizer);
        Random rnd = new Random(1);
        int steps = 0;
        try {
            for (int p = 0; 1 << p < config.batch(); p++) {
                allocatePart(p);
                randomize(partX[p], partY[p], rnd);
                step.run(partXT[p], partYT[p]);
            }
            randomize(batchX, batchY, rnd);
            while (steps < maxSteps && System.nanoTime() < end) {
                step.run(batchXT, batchYT);
                steps++;
            }
        } finally {
            saved.restore(live, optimizer);
        }
        return steps;
    }

    private void randomize(float[] x, float[] y, Random rnd) {
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < y.length; i++) y[i] = rnd.nextInt(spec.classes());
    }

    private void stepOn(Tensor x, Tensor y, int rows) {
        float loss = step.run(x, y);
        if (average != null) updateAverage();
        long s = ++steps;
        queue.trained(rows);
        long now = System.nanoTime();
        stepRate.record(now, 1);
        exampleRate.record(now, rows);
        if (!Float.isFinite(loss)) {
            if (nonFiniteLosses.incrementAndGet() == 1) {
                log.println("serve: the training loss became " + loss + " at step " + s + " (try a smaller --lr)");
                log.flush();
            }
        }
        losses[(int) ((s - 1) % LOSS_WINDOW)] = loss;
        int k = (int) Math.min(s, LOSS_WINDOW);
        double sum = 0;
        for (int i = 0; i < k; i++) sum += losses[i];
        recentLoss = sum / k;
        if (++unpublishedSteps >= config.publishEvery()) publish();
        if (config.saveEvery() > 0 && s % config.saveEvery() == 0) save(config.save(), false);
    }

    /** average = d * average + (1 - d) * live, with d ramping up from 0.1 as in the usual warm-up. */
    private void updateAverage() {
        float d = (float) Math.min(config.averageDecay(), (1.0 + steps) / (10.0 + steps));
        float e = 1f - d;
        for (int i = 0; i < live.size(); i++) {
            float[] w = live.get(i).storage(), m = average.get(i).storage();
            for (int j = 0; j < w.length; j++) m[j] = d * m[j] + e * w[j];
        }
    }

    private void publish() {
        publisher.publish();
        unpublishedSteps = 0;
    }

    /**
     * Writes a checkpoint of the served weights and the optimizer state. Call on the trainer thread,
     * or after it has finished.
     *
     * @return whether it was written
     */
    boolean save(Path file, boolean announce) {
        try {
            CheckpointFile.save(file, Checkpoint.capture(spec, served, optimizer, 0, ""));
            checkpointsWritten.incrementAndGet();
            if (announce) {
                log.println("serve: checkpoint written to " + file.toAbsolutePath());
                log.flush();
            }
            return true;
        } catch (Exception e) {
            checkpointFailures.incrementAndGet();
            log.println("serve: writing the checkpoint " + file + " failed: " + e);
            log.flush();
            return false;
        }
    }

    long steps() { return steps; }

    double recentLoss() { return recentLoss; }

    Throwable failure() { return failure; }

    int compileCount() { return step.compileCount(); }
}
