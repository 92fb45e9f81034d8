package org.jitgrad.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jitgrad.tensor.Tensor;

/** Runs several members of one cluster in this JVM, each on its own thread (a member's calls block on the others). */
final class Members implements AutoCloseable {
    private final ExecutorService threads;

    Members(int n) {
        threads = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "test-member");
            t.setDaemon(true);
            return t;
        });
    }

    /** Joins member {@code i} of {@code all} with {@code params[i]}, all at once; returns them in order. */
    List<ParameterAverager> joinAll(List<MemberAddress> all, String name, List<Map<String, Tensor>> params) throws Exception {
        return joinAll(all, name, params, Averaging.PARAMETERS);
    }

    /** {@link #joinAll(List, String, List)} for a group that averages {@code averaging}. */
    List<ParameterAverager> joinAll(List<MemberAddress> all, String name, List<Map<String, Tensor>> params, Averaging averaging)
            throws Exception {
        List<Future<ParameterAverager>> fs = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            ClusterSettings s = Loopback.settings(all, i, name, params.size());
            Map<String, Tensor> p = params.get(i);
            fs.add(threads.submit(() -> ParameterAverager.join(s, p, "", averaging, line -> { })));
        }
        List<ParameterAverager> out = new ArrayList<>();
        for (Future<ParameterAverager> f : fs) out.add(f.get(60, TimeUnit.SECONDS));
        return out;
    }

    <T> Future<T> submit(Callable<T> task) {
        return threads.submit(task);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
