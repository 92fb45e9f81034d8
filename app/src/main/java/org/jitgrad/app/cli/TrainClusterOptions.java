package org.jitgrad.app.cli;

import java.io.PrintWriter;
import java.util.List;
import org.jitgrad.app.cluster.DataParallelTraining;
import org.jitgrad.app.cluster.TrainingSync;
import org.jitgrad.cluster.MemberAddress;
import org.jitgrad.nn.Module;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}'s options for data-parallel training across JVMs. */
public final class TrainClusterOptions {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--world", paramLabel = "N", description = "With --cluster: the number of members; each trains on 1/N of the training set.")
    Integer world;

    @Option(names = "--rank", paramLabel = "R",
            description = "With --cluster: this member's number, 0..N-1: it steps on the R-th part of every batch and listens on the"
                    + " R-th --cluster address.")
    Integer rank;

    @Option(names = "--sync-every", paramLabel = "K", defaultValue = "1",
            description = "With --cluster: 1 averages the members' gradients at every step, then each takes the same optimizer step"
                    + " (the single-process run, for Adam too); K > 1 averages their models every K steps and at each epoch's end"
                    + " (default: ${DEFAULT-VALUE}).")
    int syncEvery;

    /**
     * Alone, or this member of the cluster once all {@code --world} members have joined; {@code terms}
     * describes the run, which every member must share.
     */
    TrainingSync join(Module net, String terms, int trainSize, int batch, PrintWriter out) {
        if (!cluster.enabled()) {
            if (world != null || rank != null) throw new IllegalArgumentException("--world and --rank need --cluster HOST:PORT,...");
            return TrainingSync.ALONE;
        }
        if (world == null || rank == null) throw new IllegalArgumentException("--cluster needs --world N and --rank R");
        if (world < 1) throw new IllegalArgumentException("--world must be >= 1, got " + world);
        if (rank < 0 || rank >= world) throw new IllegalArgumentException("--rank must be in 0.." + (world - 1) + ", got " + rank);
        List<MemberAddress> addresses = cluster.addresses();
        if (rank >= addresses.size()) {
            throw new IllegalArgumentException("--rank " + rank + " needs at least " + (rank + 1) + " --cluster addresses, got " + addresses.size());
        }
        return DataParallelTraining.join(cluster.settings(addresses.get(rank), world), world, rank, syncEvery, net, terms, trainSize, batch, out);
    }
}
