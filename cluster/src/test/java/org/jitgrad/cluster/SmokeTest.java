package org.jitgrad.cluster;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.*;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void twoMembersAverage() throws Exception {
        List<MemberAddress> all = Loopback.addresses(2);
        String name = Loopback.uniqueName("smoke");
        Sequential a = MLP.of(new int[] {4, 8, 3}, Activation.TANH, 1), b = MLP.of(new int[] {4, 8, 3}, Activation.TANH, 2);
        ExecutorService ex = Executors.newFixedThreadPool(2);
        long t0 = System.nanoTime();
        Future<ParameterAverager> fa = ex.submit(() -> ParameterAverager.join(Loopback.settings(all, 0, name, 2), a.namedParameters(), System.out::println));
        Future<ParameterAverager> fb = ex.submit(() -> ParameterAverager.join(Loopback.settings(all, 1, name, 2), b.namedParameters(), System.out::println));
        ParameterAverager pa = fa.get(), pb = fb.get();
        System.out.println("joined in " + (System.nanoTime() - t0) / 1e6 + " ms: " + pa.describeCluster());
        assertArrayEquals(a.parameters().get(0).storage(), b.parameters().get(0).storage());
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            Future<RoundReport> ra = ex.submit(() -> pa.average(10)), rb = ex.submit(() -> pb.average(30));
            System.out.println(ra.get() + " " + rb.get() + " " + (System.nanoTime() - t) / 1e6 + " ms");
        }
        long t = System.nanoTime();
        pa.close();
        System.out.println("a closed in " + (System.nanoTime() - t) / 1e6 + " ms");
        pb.close();
        System.out.println("closed in " + (System.nanoTime() - t) / 1e6 + " ms");
        ex.shutdown();
    }
}
