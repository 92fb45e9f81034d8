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
 *
 * <p>Non-finite steps: a step whose loss is NaN or infinite has already put NaN into the weights and
 * Adam's moments (the update is fused into the step), and every later step and snapshot would
 * inherit them. The trainer therefore keeps a copy of the state it last published with finite
 * weights and goes back to it: after such a step, and when the weights about to be published are
 * not all finite. The steps since that copy are lost ({@code rolled_back_examples}), the served
 * weights never hold a non-finite value, and neither does a checkpoint.
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
    /** Examples whose steps were undone by going back to {@link #lastGood}. */
    final AtomicLong rolledBackExamples = new AtomicLong();
    /** The live weights, Adam's state and the average as last published (all finite); see the class comment. */
    private final SavedTrainingState lastGood;
    private long stepsSinceGood, examplesSinceGood;
    private volatile Throwable failure;
    private long unpublishedSteps;
    private volatile ModelMerge merge;
    private long examplesSinceMerge;

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
        this.lastGood = SavedTrainingState.capture(live, optimizer, average);
    }

    /** Averages with other replicas through {@code m} from now on (call before {@link #run()}). */
    void mergeWith(ModelMerge m) {
        this.merge = m;
    }

    @Override
    public void run() {
        try {
            long linger = config.lingerMillis() * 1_000_000L;
            while (true) {
                int n = queue.take(batchX, batchY, config.batch(), linger, merge == null ? -1 : ModelMerge.CHECK_NANOS);
                if (n < 0) {  // nothing queued for a while: the other replicas may be waiting for this one
                    maybeMerge();
                    continue;
                }
                if (n == 0) break;  // closed and drained
                trainTaken(n, true);
                maybeMerge();
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

    /**
     * Trains on the first {@code n} rows of the batch buffers: one step for a full batch, otherwise power-of-two
     * steps. {@code counted} false (warm-up) leaves every counter, the queue and the publisher alone.
     */
    private void trainTaken(int n, boolean counted) {
        if (n == config.batch()) {
            stepOn(batchXT, batchYT, n, counted);
            return;
        }
        int done = 0;
        while (done < n) {
            int size = Integer.highestOneBit(n - done);
            int p = Integer.numberOfTrailingZeros(size);
            allocatePart(p);
            System.arraycopy(batchX, done * featureCount, partX[p], 0, size * featureCount);
            System.arraycopy(batchY, done, partY[p], 0, size);
            stepOn(partXT[p], partYT[p], size, counted);
            done += size;
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
     * Starts training on random data before any real example arrives (call before {@link #run()}, on one thread):
     * saves the weights, Adam's state and the served average, and compiles every batch-size specialization the
     * trainer can use. {@link WarmUp#steps} then runs the trainer's own batch code (full batches and partial ones,
     * the served average included) so that the JIT compiles it before serving, instead of running it interpreted,
     * with a boxed vector per operation, during the first seconds; {@link WarmUp#close()} puts everything back
     * bit for bit. No counter, no queue and no publication is touched.
     */
    WarmUp beginWarmUp() {
        return new WarmUp();
    }

    /** A warm-up in progress; see {@link #beginWarmUp()}. */
    final class WarmUp implements AutoCloseable {
        private final SavedTrainingState saved = SavedTrainingState.capture(live, optimizer, average);
        private final Random rnd = new Random(1);
        private int steps;

        private WarmUp() {
            randomize(batchX, batchY, rnd);
            for (int p = 0; 1 << p < config.batch(); p++) trainTaken(1 << p, false);
        }

        /**
         * {@code count} calls of the trainer's batch code: every other one a full batch, the rest a random partial
         * batch (split into power-of-two steps as a lingering trainer does).
         */
        void steps(int count) {
            for (int i = 0; i < count; i++, steps++) {
                int n = (steps & 1) == 0 || config.batch() == 1 ? config.batch() : 1 + rnd.nextInt(config.batch() - 1);
                trainTaken(n, false);
            }
        }

        /** Calls of {@link #steps} so far. */
        int taken() { return steps; }

        /** Puts the weights, Adam's state and the average back as they were. */
        @Override
        public void close() {
            saved.restore(live, optimizer, average);
        }
    }

    /**
     * Warms up for at most {@code maxBatches} batches (as {@link WarmUp#steps}) or {@code budgetNanos}, then puts
     * everything back.
     *
     * @return the number of batches trained
     */
    int warmUp(int maxBatches, long budgetNanos) {
        long end = System.nanoTime() + budgetNanos;
        try (WarmUp w = beginWarmUp()) {
            while (w.taken() < maxBatches && System.nanoTime() < end) w.steps(1);
            return w.taken();
        }
    }

    private void randomize(float[] x, float[] y, Random rnd) {
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < y.length; i++) y[i] = rnd.nextInt(spec.classes());
    }

    /**
     * Merges when due: the averaged weights replace the live ones and the served average (every
     * replica serves the same model right after a merge) and are published at once. A failed merge
     * leaves this replica training alone.
     */
    private void maybeMerge() {
        ModelMerge m = merge;
        if (m == null || !m.due(examplesSinceMerge, System.nanoTime())) return;
        boolean changed;
        try {
            changed = m.merge(examplesSinceMerge);
        } catch (RuntimeException e) {
            merge = null;
            log.println("serve: merging with the other replicas failed; this replica goes on alone: " + e.getMessage());
            log.flush();
            m.close();
            return;
        }
        examplesSinceMerge = 0;
        if (!changed) return;
        if (average != null) {
            for (int i = 0; i < live.size(); i++) average.get(i).copyFrom(live.get(i).storage());
        }
        publish();
    }

    private void stepOn(Tensor x, Tensor y, int rows, boolean counted) {
        float loss = step.run(x, y);
        if (counted && !Float.isFinite(loss)) {
            queue.trained(rows);
            stepsSinceGood++;
            examplesSinceGood += rows;
            rollBack("the training loss became " + loss);
            return;
        }
        examplesSinceMerge += rows;
        if (average != null) updateAverage();
        if (!counted) return;
        long s = ++steps;
        queue.trained(rows);
        long now = System.nanoTime();
        stepRate.record(now, 1);
        exampleRate.record(now, rows);
        examplesSinceGood += rows;
        stepsSinceGood++;
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
        unpublishedSteps = 0;
        if (!allFinite(live) || average != null && !allFinite(average)) {
            rollBack("the weights became non-finite");
            return;
        }
        publisher.publish();
        lastGood.recapture(live, optimizer, average);
        stepsSinceGood = 0;
        examplesSinceGood = 0;
    }

    /**
     * Puts back the state of the last publication: the step that just ran (and those since that publication) never
     * happened, except in the counters. Logs the first time, with the reason.
     */
    private void rollBack(String reason) {
        lastGood.restore(live, optimizer, average);
        rolledBackExamples.addAndGet(examplesSinceGood);
        if (nonFiniteLosses.incrementAndGet() == 1) {
            log.println("serve: " + reason + " after step " + steps + "; went back to the weights last published (undoing "
                    + stepsSinceGood + " steps on " + examplesSinceGood + " examples); later cases are only counted"
                    + " (nonfinite_losses, rolled_back_examples). If it recurs, the learning rate (--lr) is too large.");
            log.flush();
        }
        stepsSinceGood = 0;
        examplesSinceGood = 0;
        unpublishedSteps = 0;
    }

    private static boolean allFinite(List<Tensor> tensors) {
        for (Tensor t : tensors) {
            for (float v : t.storage()) if (!Float.isFinite(v)) return false;
        }
        return true;
    }

    /**
     * Writes a checkpoint of the served weights and the optimizer state. Call on the trainer thread,
     * or after it has finished.
     *
     * @return whether it was written
     */
    boolean save(Path file, boolean announce) {
        if (!allFinite(average != null ? average : live)) {  // only between a bad step and its publication
            checkpointFailures.incrementAndGet();
            log.println("serve: not writing the checkpoint " + file + ": the weights are not finite at step " + steps);
            log.flush();
            return false;
        }
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

    /** Merge rounds completed, or -1 when this replica does not merge. */
    long mergeRounds() {
        ModelMerge m = merge;
        return m == null ? -1 : m.rounds();
    }

    /** Stops merging and leaves the other replicas; call once the trainer has finished. */
    void leaveMerge() {
        ModelMerge m = merge;
        merge = null;
        if (m != null) m.close();
    }
}
