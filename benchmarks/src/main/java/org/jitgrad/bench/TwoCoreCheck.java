package org.jitgrad.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import org.jitgrad.kernels.Gemm;

/**
 * What the host gives a two-thread measurement on a virtual machine, measured at the end of a JMH fork so each
 * fork's two-thread figure can be read against it (benchmarks/gemm_table.py lists them side by side).
 *
 * <p>Two numbers. The <em>round trip</em> of one cache line between two threads: it changes with where the host puts
 * the two vCPUs, and on this project's machine it has been seen at about 28 ns (the two vCPUs on one physical core),
 * 67 and 110 ns, and 330 ns. The <em>balance</em>: both threads run the same single-threaded product (mnist forward,
 * 64x784 by 784x256) on private arrays at the same time, and each reports its median; a product split in two halves
 * can be no faster than the slower of the two.
 */
public final class TwoCoreCheck {
    private static final int ROUND_TRIPS = 20_000;
    private static final int PRODUCTS = 300;

    private static volatile long ping;
    private static volatile long pong;

    private TwoCoreCheck() {}

    /**
     * Runs both measurements (about 0.2 s) with {@link Gemm#parallelism()} at 1, restoring it afterwards.
     *
     * @return one line: "two-core check: round trip N ns; same product on both threads at once: X and Y us"
     */
    public static String run() {
        int saved = Gemm.parallelism();
        Gemm.setParallelism(1);
        try {
            double roundTrip = roundTripNanos();
            double[] medians = concurrentMedians();
            return String.format("two-core check: round trip %.0f ns; same product on both threads at once: %.1f and %.1f us",
                    roundTrip, medians[0], medians[1]);
        } finally {
            Gemm.setParallelism(saved);
        }
    }

    private static double roundTripNanos() {
        ping = 0;
        pong = 0;
        Thread echo = new Thread(() -> {
            for (long i = 1; i <= ROUND_TRIPS; i++) {
                while (ping != i) Thread.onSpinWait();
                pong = i;
            }
        }, "two-core-check-echo");
        echo.start();
        long start = System.nanoTime();
        for (long i = 1; i <= ROUND_TRIPS; i++) {
            ping = i;
            while (pong != i) Thread.onSpinWait();
        }
        long elapsed = System.nanoTime() - start;
        join(echo);
        return (double) elapsed / ROUND_TRIPS;
    }

    private static double[] concurrentMedians() {
        CyclicBarrier start = new CyclicBarrier(2);
        double[] medians = new double[2];
        Thread other = new Thread(() -> medians[1] = productMedian(start), "two-core-check-other");
        other.start();
        medians[0] = productMedian(start);
        join(other);
        return medians;
    }

    /** Median time of the last two thirds of {@link #PRODUCTS} products, started together with the other thread. */
    private static double productMedian(CyclicBarrier start) {
        int m = 64, k = 784, n = 256;
        SplittableRandom r = new SplittableRandom(Thread.currentThread().threadId());
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException("two-core check: the other thread did not start", e);
        }
        long[] times = new long[PRODUCTS];
        for (int i = 0; i < PRODUCTS; i++) {
            long t0 = System.nanoTime();
            Gemm.matmul(a, 0, false, b, 0, false, c, 0, m, k, n, false);
            times[i] = System.nanoTime() - t0;
        }
        long[] settled = Arrays.copyOfRange(times, PRODUCTS / 3, PRODUCTS);
        Arrays.sort(settled);
        return settled[settled.length / 2] / 1e3;
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("two-core check interrupted", e);
        }
    }
}
