package org.jitgrad.app.cluster;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.jitgrad.cluster.ClusterSettings;
import org.jitgrad.cluster.ParameterAverager;
import org.jitgrad.cluster.RoundReport;
import org.jitgrad.data.Dataset;
import org.jitgrad.nn.Module;

/**
 * {@code jitgrad train --cluster}: this process is member {@code rank} of {@code world}; it trains
 * on its shard of the training set and averages the model with the others every {@code syncEvery}
 * steps and at the end of every epoch, so every member evaluates, saves and ends with the same model.
 */
public final class DataParallelTraining implements TrainingSync {
    private final ParameterAverager averager;
    private final int world, rank, syncEvery;
    private final PrintWriter out;
    private int stepsSinceSync;
    private long samplesSinceSync;
    private long rounds, sendNanos, waitNanos, readNanos, bytesSent, bytesReceived;

    private DataParallelTraining(ParameterAverager averager, int world, int rank, int syncEvery, PrintWriter out) {
        this.averager = averager;
        this.world = world;
        this.rank = rank;
        this.syncEvery = syncEvery;
        this.out = out;
    }

    /**
     * Joins the cluster (waiting for all {@code world} members) and takes the group's initial model into
     * {@code net}: the first member's weights.
     */
    public static DataParallelTraining join(ClusterSettings settings, int world, int rank, int syncEvery, Module net, PrintWriter out) {
        if (syncEvery < 1) throw new IllegalArgumentException("--sync-every must be >= 1, got " + syncEvery);
        long t0 = System.nanoTime();
        out.println(String.format(Locale.ROOT, "cluster: rank %d of %d on %s, cluster '%s', waiting for the other members (up to %d s)...",
                rank, world, settings.bind(), settings.clusterName(), settings.joinTimeout().toSeconds()));
        out.flush();
        ParameterAverager a = ParameterAverager.join(settings, net.namedParameters(), line -> {
            out.println(line);
            out.flush();
        });
        out.println(String.format(Locale.ROOT, "cluster: joined in %.1f s as %s; model %s; averaging every %d step%s",
                (System.nanoTime() - t0) / 1e9, a.describeCluster(), a.layout().describe(), syncEvery, syncEvery == 1 ? "" : "s"));
        out.flush();
        return new DataParallelTraining(a, world, rank, syncEvery, out);
    }

    @Override
    public Dataset shard(Dataset train, long seed) {
        Dataset s = Shards.shard(train, world, rank, seed);
        out.println(String.format(Locale.ROOT, "cluster: this member trains on shard %d of %d: %,d of the %,d training examples", rank, world,
                s.size(), train.size()));
        out.flush();
        return s;
    }

    @Override
    public void afterStep(int rows) {
        stepsSinceSync++;
        samplesSinceSync += rows;
        if (stepsSinceSync >= syncEvery) sync();
    }

    @Override
    public void endEpoch() {
        if (stepsSinceSync > 0) sync();
    }

    private void sync() {
        RoundReport r = averager.average(samplesSinceSync);
        stepsSinceSync = 0;
        samplesSinceSync = 0;
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
                String.format(Locale.ROOT, "cluster: %,d rounds with %d members (every %d step%s and at each epoch's end)", rounds, world,
                        syncEvery, syncEvery == 1 ? "" : "s"),
                String.format(Locale.ROOT, "cluster: per round this member sent %,d and received %,d bytes of parameters (floats);"
                        + " %.2f ms per round: %.2f adding, %.2f waiting for the others, %.2f reading the average",
                        bytesSent / rounds, bytesReceived / rounds, (sendNanos + waitNanos + readNanos) / 1e6 / rounds,
                        sendNanos / 1e6 / rounds, waitNanos / 1e6 / rounds, readNanos / 1e6 / rounds),
                String.format(Locale.ROOT, "cluster: %.1f s of the run in rounds", (sendNanos + waitNanos + readNanos) / 1e9));
    }

    /** Leaves the cluster. */
    @Override
    public void close() {
        averager.close();
    }
}
