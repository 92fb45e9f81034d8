package org.jitgrad.kernels;

/**
 * Picks, by timing them, between the two grids {@link Gemm#chooseGrid}'s cost model ranks best for a product when it
 * cannot tell them apart. Which split is faster on two threads depends on where the host runs the two vCPUs, and that
 * changes while a process runs: split by columns, a row of C holds cache lines written by both threads, which costs
 * little when the vCPUs are close and a lot when they are far apart (a cache line's round trip measured 28 to 1,300 ns).
 * Measured on 2 threads, as the ratio to one thread (medians of 377 probe cycles with the vCPUs close, 47 far apart):
 * wide's {@code dX} (256x1024 by (1024x1024)ᵀ) 1.848 by rows and 1.941 by columns close, 1.839 and 1.891 far; wide
 * forward 1.958 and 1.963 close, 1.921 and 1.887 far.
 *
 * <p>Per calling thread, for each product shape: the first {@link #WINDOW} calls of every {@link #PERIOD} alternate
 * between the two candidates and time them; the rest use the one whose median time was lower. Every grid splits C
 * over rows and columns only, so the results are bit-identical whichever grid a call uses. A shape is tuned only when
 * the runner-up's modelled cost is within {@link #MARGIN} of the best. Entries are allocated when a shape is first
 * seen; a steady stream of the same shapes allocates nothing. {@code -Djitgrad.gemm.tuneGrid=false} turns tuning off
 * (every call then takes the model's best grid).
 */
final class GemmGridTuner {
    private static final ThreadLocal<GemmGridTuner> PER_THREAD = ThreadLocal.withInitial(GemmGridTuner::new);

    static final boolean ENABLED = KernelProperties.flag("jitgrad.gemm.tuneGrid", true);
    /** Calls per tuning period. */
    static final int PERIOD = 256;
    /** Timed calls at the start of a period, half on each candidate. */
    static final int WINDOW = 10;
    /** The runner-up is tried when its modelled cost is at most this much above the best. */
    static final double MARGIN = 0.15;

    private static final int SLOTS = 64;
    private static final int PROBES = 8;

    private final Entry[] entries = new Entry[SLOTS];
    private long clock;

    static GemmGridTuner current() {
        return PER_THREAD.get();
    }

    /** The entry of this shape, created (and the least recently used of its probe slots replaced) on first sight. */
    Entry entry(int m, int n, int k, boolean transA, boolean transB, int threads) {
        clock++;
        int h = Integer.hashCode(m) * 31 + n;
        h = (h * 31 + k) * 31 + threads;
        h = h * 4 + (transA ? 2 : 0) + (transB ? 1 : 0);
        h ^= h >>> 16;
        int oldest = -1;
        for (int p = 0; p < PROBES; p++) {
            int slot = (h + p) & (SLOTS - 1);
            Entry e = entries[slot];
            if (e == null) {
                oldest = slot;
                break;
            }
            if (e.matches(m, n, k, transA, transB, threads)) {
                e.lastUse = clock;
                return e;
            }
            if (oldest < 0 || e.lastUse < entries[oldest].lastUse) {
                oldest = slot;
            }
        }
        Entry e = new Entry(m, n, k, transA, transB, threads, Gemm.candidateGrids(m, n, k, transA, transB, threads));
        e.lastUse = clock;
        entries[oldest] = e;
        return e;
    }

    /** One product shape: its candidate grids and the timings of the current period. */
    static final class Entry {
        private final int m, n, k, threads;
        private final boolean transA, transB;
        /** The model's best grid, then the runner-up if it is tuned against it ({@code rowParts << 32 | colParts}). */
        final long[] grids;
        private final long[][] times;
        private long calls;
        private int winner;
        private long lastUse;

        Entry(int m, int n, int k, boolean transA, boolean transB, int threads, long[] grids) {
            this.m = m; this.n = n; this.k = k; this.transA = transA; this.transB = transB; this.threads = threads;
            this.grids = grids;
            this.times = new long[grids.length][WINDOW / 2];
        }

        boolean matches(int m, int n, int k, boolean transA, boolean transB, int threads) {
            return this.m == m && this.n == n && this.k == k && this.transA == transA && this.transB == transB
                    && this.threads == threads;
        }

        private int phase() {
            return (int) (calls % PERIOD);
        }

        /** The grid this call uses. */
        long grid() {
            if (grids.length == 1) {
                return grids[0];
            }
            int phase = phase();
            return phase < WINDOW ? grids[phase & 1] : grids[winner];
        }

        /**
         * Records the time of the call that used {@link #grid()}; {@code timed} false when the call could not run as
         * planned (a worker was busy for another caller), so its time says nothing about the grid.
         */
        void record(long nanos, boolean timed) {
            int phase = phase();
            if (grids.length > 1 && phase < WINDOW) {
                if (!timed) {
                    nanos = Long.MAX_VALUE;
                }
                times[phase & 1][phase >> 1] = nanos;
                if (phase == WINDOW - 1) {
                    winner = median(times[1]) < median(times[0]) ? 1 : 0;
                }
            }
            calls++;
        }

        /** Which candidate the calls after the timed ones use: 0 the model's best, 1 the runner-up. */
        int winner() {
            return winner;
        }

        /** Median of the window's samples, sorted in place (the window is refilled next period anyway). */
        private static long median(long[] samples) {
            java.util.Arrays.sort(samples);
            return samples[samples.length / 2];
        }
    }
}
