package org.jitgrad.app.cluster;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jitgrad.app.model.GradientExchange;
import org.jitgrad.cluster.Averaging;
import org.jitgrad.cluster.ClusterSettings;
import org.jitgrad.cluster.ParameterAverager;
import org.jitgrad.cluster.RoundReport;
import org.jitgrad.data.Batch;
import org.jitgrad.nn.Module;

/**
 * {@code jitgrad train --cluster}: this process is member {@code rank} of {@code world}. Every member
 * draws the same batches (the same seed), and member {@code r} computes on rows {@code [r·n/W,
 * (r+1)·n/W)} of each batch of {@code n}, as PyTorch's distributed sampler deals out a global
 * batch. With {@code syncEvery} 1 the members average their gradients, weighted by their rows, at
 * every step ({@link Averaging#GRADIENTS}), and each then takes the same optimizer step: the weighted
 * mean of the members' mean gradients is the batch's, so this is the single-process run on the same
 * batches, to float rounding, for Adam as for SGD. With {@code syncEvery} K > 1 each member steps alone
 * and the members average their models every K steps and at the end of every epoch
 * ({@link Averaging#PARAMETERS}: periodic averaging, each optimizer's state its own). Either way
 * every member evaluates, saves and ends with the same model.
 */
public final class DataParallelTraining implements TrainingSync {
    private final ParameterAverager averager;
    private final Averaging averaging;
    private final int world, rank, syncEvery;
    private final PrintWriter out;
    private final Map<Integer, Rows> buffers = new HashMap<>();
    private int stepsSinceSync;
    private long samplesSinceSync;
    private long rounds, sendNanos, waitNanos, readNanos, bytesSent, bytesReceived;

    private DataParallelTraining(ParameterAverager averager, int world, int rank, int syncEvery, PrintWriter out) {
        this.averager = averager;
        this.averaging = averager.averaging();
        this.world = world;
        this.rank = rank;
        this.syncEvery = syncEvery;
        this.out = out;
    }

    /**
     * Joins the cluster (waiting for all {@code world} members) and takes the group's initial model into
     * {@code net}: the first member's weights. {@code terms} describes the run (model, data, batches,
     * optimizer): a member whose terms differ is refused.
     */
    public static DataParallelTraining join(ClusterSettings settings, int world, int rank, int syncEvery, Module net, String terms,
                                            int trainSize, int batch, PrintWriter out) {
        if (syncEvery < 1) throw new IllegalArgumentException("--sync-every must be >= 1, got " + syncEvery);
        if (batch < world) throw new IllegalArgumentException("--batch " + batch + " is dealt out to " + world + " members: it needs at least " + world);
        int last = trainSize % batch;
        if (last > 0 && last < world) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the last batch of each epoch has %d examples (%d %% %d), fewer than"
                    + " the %d members: pick a --batch that leaves none or at least %d", last, trainSize, batch, world, world));
        }
        long t0 = System.nanoTime();
        out.println(String.format(Locale.ROOT, "cluster: rank %d of %d on %s, cluster '%s', waiting for the other members (up to %d s)...",
                rank, world, settings.bind(), settings.clusterName(), settings.joinTimeout().toSeconds()));
        out.flush();
        Averaging averaging = syncEvery == 1 ? Averaging.GRADIENTS : Averaging.PARAMETERS;
        String allTerms = terms + String.format(Locale.ROOT, "; %d members, every %d steps", world, syncEvery);
        ParameterAverager a = ParameterAverager.join(settings, net.namedParameters(), allTerms, averaging, line -> {
            out.println(line);
            out.flush();
        });
        out.println(String.format(Locale.ROOT, "cluster: joined in %.1f s as %s; model %s; %s", (System.nanoTime() - t0) / 1e9,
                a.describeCluster(), a.layout().describe(), cadence(averaging, syncEvery)));
        out.println(String.format(Locale.ROOT, "cluster: every member draws the same batches of %d; this one computes on rows %d..%d of each",
                batch, from(rank, batch, world), from(rank + 1, batch, world) - 1));
        out.flush();
        return new DataParallelTraining(a, world, rank, syncEvery, out);
    }

    private static String cadence(Averaging averaging, int syncEvery) {
        return averaging == Averaging.GRADIENTS
                ? "gradients averaged at every step, then every member takes the same optimizer step"
                : String.format(Locale.ROOT, "parameters averaged every %d steps and at each epoch's end", syncEvery);
    }

    /** The first row of member {@code r}'s part of a batch of {@code n}. */
    private static int from(int r, int n, int world) {
        return (int) ((long) r * n / world);
    }

    @Override
    public Rows mine(Batch b) {
        int from = from(rank, b.size(), world), size = from(rank + 1, b.size(), world) - from;
        int features = b.featureCount();
        Rows r = buffers.computeIfAbsent(size, n -> new Rows(new float[n * features], new float[n], n));
        System.arraycopy(b.features(), from * features, r.features(), 0, size * features);
        System.arraycopy(b.labels(), from, r.labels(), 0, size);
        return r;
    }

    @Override
    public GradientExchange gradientExchange() {
        return averaging == Averaging.GRADIENTS ? this::round : GradientExchange.NONE;
    }

    @Override
    public void afterStep(int rows) {
        if (averaging == Averaging.GRADIENTS) return;
        stepsSinceSync++;
        samplesSinceSync += rows;
        if (stepsSinceSync >= syncEvery) sync();
    }

    @Override
    public void endEpoch() {
        if (stepsSinceSync > 0) sync();
    }

    private void sync() {
        round(samplesSinceSync);
        stepsSinceSync = 0;
        samplesSinceSync = 0;
    }

    /** One round: averages the parameters, or the gradients, weighted by {@code samples}. */
    private void round(long samples) {
        RoundReport r = averager.average(samples);
        if (!r.adopted() && averaging == Averaging.GRADIENTS) {
            // Every member would step on its own gradients and the models would part; the batch checks at join rule it out.
            throw new IllegalStateException("round " + r.round() + " had no examples from any member: no gradient to average");
        }
        rounds++;
        sendNanos += r.sendNanos();
        waitNanos += r.waitNanos();
        readNanos += r.readNanos();
        bytesSent += r.bytesSent();
        bytesReceived += r.bytesReceived();
    }

    @Override
    public List<String> summary() {
        if (rounds == 0) return List.of("cluster: no round completed");
        return List.of(
                String.format(Locale.ROOT, "cluster: %,d rounds with %d members (%s)", rounds, world, cadence(averaging, syncEvery)),
                String.format(Locale.ROOT, "cluster: per round this member sent %,d and received %,d bytes of %s (floats);"
                        + " %.2f ms per round: %.2f adding, %.2f waiting for the others, %.2f reading the average",
                        bytesSent / rounds, bytesReceived / rounds, averaging == Averaging.GRADIENTS ? "gradients" : "parameters",
                        (sendNanos + waitNanos + readNanos) / 1e6 / rounds,
                        sendNanos / 1e6 / rounds, waitNanos / 1e6 / rounds, readNanos / 1e6 / rounds),
                String.format(Locale.ROOT, "cluster: %.1f s of the run in rounds", (sendNanos + waitNanos + readNanos) / 1e9));
    }

    /** Leaves the cluster. */
    @Override
    public void close() {
        averager.close();
    }
}
