package org.jitgrad.kernels;

/**
 * Gets every micro-kernel compiled by C2 early, on a background daemon thread started when {@link Gemm} is first
 * used. Without it a kernel that a product calls only for its edge tiles (a few times per call) would run for
 * hundreds of calls in C1-compiled code, where every vector is a heap object: hundreds of kilobytes of garbage per
 * call. The warm-up works on private arrays and takes a few hundred milliseconds of one core, once.
 */
final class GemmWarmup {
    private GemmWarmup() {}

    /** Calls per kernel: past C2's thresholds for a method with a long loop (about 600 calls and 15000 counts). */
    private static final int CALLS = 2_000;
    private static final int KC = 16;

    private static volatile boolean started;

    /** Starts the warm-up thread once per JVM (a no-op after the first call). */
    static void start() {
        if (started) {
            return;
        }
        synchronized (GemmWarmup.class) {
            if (started) {
                return;
            }
            started = true;
        }
        if (KernelProperties.flag("jitgrad.gemm.noWarmup", false)) {
            return;
        }
        Thread t = new Thread(GemmWarmup::run, "jitgrad-gemm-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void run() {
        int mr = GemmMicroKernel.MR;
        int nr = GemmMicroKernel.NR;
        float[] ap = new float[mr * KC];
        float[] bp = new float[nr * KC];
        float[] c = new float[mr * nr];
        for (int i = 0; i < ap.length; i++) {
            ap[i] = 1f / (i + 1);
        }
        for (int i = 0; i < bp.length; i++) {
            bp[i] = 1f / (i + 2);
        }
        for (int i = 0; i < CALLS; i++) {
            // Both forms of every tile, so that C2's profile has both.
            for (boolean store : new boolean[] {true, false}) {
                GemmMicroKernel.tile6x4(store, ap, 0, bp, 0, nr, KC, c, 0, nr);
                GemmMicroKernel.tile6x1(store, ap, 0, bp, 0, nr, KC, c, 0, nr);
                GemmMicroKernel.tile4x4(store, ap, 0, bp, 0, nr, KC, c, 0, nr);
                // The same six rows read in place: rows of KC floats.
                GemmDirectKernel.tile6x4(store, ap, 0, KC, bp, 0, nr, KC, c, 0, nr);
                GemmDirectKernel.tile6x1(store, ap, 0, KC, bp, 0, nr, KC, c, 0, nr);
                // Read as a transposed A in place: KC steps of six consecutive floats.
                GemmTransposedKernel.tile6x4(store, ap, 0, mr, bp, 0, nr, KC, c, 0, nr);
                GemmTransposedKernel.tile6x1(store, ap, 0, mr, bp, 0, nr, KC, c, 0, nr);
                GemmTransposedKernel.tile4x4(store, ap, 0, mr, bp, 0, nr, KC, c, 0, nr);
            }
        }
    }
}
