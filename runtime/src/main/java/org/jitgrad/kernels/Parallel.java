package org.jitgrad.kernels;

/**
 * Runs the independent parts of one computation on the calling thread and the worker threads that
 * {@link Gemm} splits large products across. A part that itself calls {@link Gemm} computes its
 * products on its own thread (the other parts keep the other threads busy), so the machine is
 * never oversubscribed: two parts on two processors run as two single-threaded computations. With
 * {@link Gemm#parallelism()} 1, or while the workers serve another caller, the caller runs every
 * part itself. Nothing is allocated per call.
 */
public final class Parallel {
    private Parallel() {}

    /** One part of a computation; parts of one call must not depend on each other. */
    @FunctionalInterface
    public interface Part {
        /** Computes part {@code part}. */
        void run(int part);
    }

    /**
     * Runs {@code body.run(0) .. body.run(parts - 1)}, each exactly once, on up to
     * {@code min(parts, Gemm.parallelism())} threads, and returns when all are done. A failure in any
     * part is rethrown here after the others have stopped.
     *
     * @param parts at least 0
     * @throws IllegalArgumentException if {@code parts < 0}
     */
    public static void run(int parts, Part body) {
        if (parts < 0) throw new IllegalArgumentException("Parallel.run: parts must be >= 0, got " + parts);
        if (body == null) throw new NullPointerException("Parallel.run: body is null");
        int helpers = Math.min(parts, Gemm.callerThreads()) - 1;
        if (helpers <= 0) {
            for (int p = 0; p < parts; p++) body.run(p);
            return;
        }
        GemmWorkers.ensure(helpers);
        GemmJob job = GemmJob.forTasks();
        job.setTask(body, parts);
        GemmWorkers.run(job, helpers);
    }
}
