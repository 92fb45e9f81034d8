package org.jitgrad.app.cluster;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import org.jitgrad.app.serve.ModelMerge;
import org.jitgrad.cluster.ClusterSettings;
import org.jitgrad.cluster.ParameterAverager;
import org.jitgrad.cluster.RoundReport;
import org.jitgrad.nn.Module;

/**
 * {@code jitgrad serve --cluster --merge-every S}: replicas that learn from their own traffic and
 * every {@code S} seconds all adopt the same average of their models, weighted by the examples each
 * trained on since the last merge. A replica starts a round when it has trained something and its
 * period is up; the others join that round at their next step, or within
 * {@link ModelMerge#CHECK_NANOS} when idle. A replica that joins later starts from the model of the
 * last completed round.
 */
public final class FleetMerge implements ModelMerge {
    private final ParameterAverager averager;
    private final long periodNanos;
    private final PrintWriter log;
    private long lastMerge = System.nanoTime();

    private FleetMerge(ParameterAverager averager, Duration period, PrintWriter log) {
        this.averager = averager;
        this.periodNanos = period.toNanos();
        this.log = log;
    }

    /**
     * Joins the replicas and takes their current model into {@code net} (this replica's own if it is the
     * first); a replica whose {@code terms} (the model's description) differ is refused.
     */
    public static FleetMerge join(ClusterSettings settings, Module net, String terms, Duration period, PrintWriter log) {
        if (period.isNegative() || period.isZero()) throw new IllegalArgumentException("--merge-every must be positive, got " + period);
        long t0 = System.nanoTime();
        ParameterAverager a = ParameterAverager.join(settings, net.namedParameters(), terms, line -> {
            log.println("serve: " + line);
            log.flush();
        });
        log.println(String.format(Locale.ROOT, "serve: cluster joined in %.1f s as %s; starting from the model of round %d; merging every %s s",
                (System.nanoTime() - t0) / 1e9, a.describeCluster(), a.nextRound() - 1, period.toMillis() / 1000.0));
        log.flush();
        return new FleetMerge(a, period, log);
    }

    @Override
    public boolean due(long examplesSinceLast, long nowNanos) {
        return averager.othersWaiting() || (examplesSinceLast > 0 && nowNanos - lastMerge >= periodNanos);
    }

    @Override
    public boolean merge(long examplesSinceLast) {
        RoundReport r = averager.average(examplesSinceLast);
        lastMerge = System.nanoTime();
        log.println(String.format(Locale.ROOT, "serve: merge round %d: %d replicas, %,.0f examples (%,d of them here), %.1f ms (%.1f waiting)",
                r.round(), r.contributors(), r.weight(), examplesSinceLast,
                (r.sendNanos() + r.waitNanos() + r.readNanos()) / 1e6, r.waitNanos() / 1e6));
        log.flush();
        return r.adopted();
    }

    @Override
    public long rounds() { return averager.rounds(); }

    @Override
    public void close() {
        averager.close();
    }
}
