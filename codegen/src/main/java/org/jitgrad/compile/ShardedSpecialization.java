package org.jitgrad.compile;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jitgrad.kernels.BinaryKernels;
import org.jitgrad.kernels.GradNormKernels;
import org.jitgrad.kernels.Gemm;
import org.jitgrad.kernels.Parallel;
import org.jitgrad.optim.GradClip;
import org.jitgrad.optim.Optimizer;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/**
 * A data-parallel training step for one input-shape signature: the batch (axis 0 of every input) is
 * cut into equal shards, one instance of the same compiled forward-and-backward program runs each
 * shard on its own thread ({@link Parallel}, so each shard's products stay on its thread), and the
 * shards' gradients are averaged, clipped and handed to the optimizer, the parameters split between
 * the threads. For a loss that is a mean of independent per-example terms this is the whole-batch
 * step up to float rounding: the whole batch's mean is the mean of equal shards' means.
 */
final class ShardedSpecialization {
    private final Shape[] inputShapes;
    private final Specialization[] programs;
    private final Tensor[][] shards;
    private final int[] shardSizes;
    private final float[] losses;
    private final List<Tensor> parameters;
    private final Tensor[][] gradientsOf;
    private final Optimizer optimizer;
    private final int[] optimizerIndex;
    private final GradClip clip;
    private final boolean[] clipped;
    private final int[][] slotsOfPart;
    private final double[] squaresOfPart;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final Parallel.Part shardTask = this::runShard;
    private final Parallel.Part reduceTask = this::reduce;
    private final Parallel.Part updateTask = this::update;
    private Tensor[] current;
    private float factor = 1f;
    volatile long lastUsed;

    /**
     * @param first          the program compiled for one shard's shapes, without an update
     * @param firstShard     the inputs it was traced on (the first shard of the first batch)
     * @param inputShapes    the whole batch's input shapes
     * @param optimizerIndex for each parameter slot, the optimizer's index of it or -1 (null without optimizer)
     * @param clippedSlots   the parameter slots whose gradients are clipped (null without clipping)
     */
    ShardedSpecialization(Specialization first, Tensor[] firstShard, Shape[] inputShapes, int replicas,
                          Optimizer optimizer, int[] optimizerIndex, GradClip clip, int[] clippedSlots) {
        this.inputShapes = inputShapes;
        this.programs = new Specialization[replicas];
        this.shards = new Tensor[replicas][];
        this.shardSizes = new int[inputShapes.length];
        for (int i = 0; i < shardSizes.length; i++) shardSizes[i] = firstShard[i].size();
        this.losses = new float[replicas];
        this.parameters = first.parameters();
        this.gradientsOf = new Tensor[replicas][];
        for (int r = 0; r < replicas; r++) {
            programs[r] = r == 0 ? first : first.replica();
            gradientsOf[r] = programs[r].gradients();
            shards[r] = new Tensor[firstShard.length];
            for (int i = 0; i < firstShard.length; i++) shards[r][i] = Tensor.zeros(firstShard[i].shape().dims());
        }
        this.optimizer = optimizer;
        this.optimizerIndex = optimizerIndex;
        this.clip = clip;
        this.clipped = new boolean[parameters.size()];
        if (clippedSlots != null) for (int s : clippedSlots) clipped[s] = true;
        this.slotsOfPart = balance(parameters, Math.min(Gemm.parallelism(), Math.max(1, parameters.size())));
        this.squaresOfPart = new double[slotsOfPart.length];
    }

    /**
     * Cuts the parameter slots into {@code parts} groups of about equal total size (largest first,
     * each to the lightest group), so that the threads share the averaging and the update evenly.
     */
    private static int[][] balance(List<Tensor> parameters, int parts) {
        Integer[] bySize = new Integer[parameters.size()];
        for (int i = 0; i < bySize.length; i++) bySize[i] = i;
        Arrays.sort(bySize, (a, b) -> Integer.compare(parameters.get(b).size(), parameters.get(a).size()));
        long[] load = new long[parts];
        int[] count = new int[parts];
        int[] partOf = new int[bySize.length];
        for (int slot : bySize) {
            int lightest = 0;
            for (int p = 1; p < parts; p++) if (load[p] < load[lightest]) lightest = p;
            load[lightest] += parameters.get(slot).size();
            partOf[slot] = lightest;
            count[lightest]++;
        }
        int[][] slots = new int[parts][];
        for (int p = 0; p < parts; p++) slots[p] = new int[count[p]];
        int[] filled = new int[parts];
        for (int slot = 0; slot < partOf.length; slot++) slots[partOf[slot]][filled[partOf[slot]]++] = slot;
        return slots;
    }

    boolean matches(Tensor[] inputs) {
        for (int i = 0; i < inputs.length; i++) if (!inputs[i].shape().equals(inputShapes[i])) return false;
        return programs[0].assumptionsHold();
    }

    int replicas() { return programs.length; }

    /**
     * One training step: the shards' forward and backward, the averaged gradients published to the
     * parameters, then (if configured) clipping and the optimizer's update.
     *
     * @throws IllegalStateException if another thread is running it
     */
    float run(Tensor[] inputs) {
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("Compiled.run: this step is already running on another thread;"
                    + " a training step serves one caller at a time (its gradients and updates are shared state)");
        }
        try {
            float loss = averagedGradients(inputs);
            if (clip != null || optimizer != null) {
                if (clip != null) {
                    double squares = 0;
                    for (double s : squaresOfPart) squares += s;
                    factor = clip.factor(squares);
                }
                if (optimizer != null) optimizer.beginStep();
                Parallel.run(slotsOfPart.length, updateTask);
            }
            return loss;
        } finally {
            busy.set(false);
        }
    }

    /** The shards' forward and backward and the averaging, without clipping or update; returns the loss. */
    float averagedGradients(Tensor[] inputs) {
        current = inputs;
        try {
            Parallel.run(programs.length, shardTask);
        } finally {
            current = null;
        }
        Parallel.run(slotsOfPart.length, reduceTask);
        programs[0].publishGradients();
        float sum = 0;
        for (float l : losses) sum += l;
        return sum / programs.length;
    }

    private void runShard(int r) {
        Tensor[] shard = shards[r];
        Tensor[] whole = current;
        for (int i = 0; i < shard.length; i++) {
            System.arraycopy(whole[i].storage(), r * shardSizes[i], shard[i].storage(), 0, shardSizes[i]);
        }
        losses[r] = programs[r].compute(shard);
    }

    private void reduce(int part) {
        int replicas = programs.length;
        float scale = 1f / replicas;
        double squares = 0;
        for (int slot : slotsOfPart[part]) {
            float[] g = gradientsOf[0][slot].storage();
            int n = g.length;
            for (int r = 1; r < replicas - 1; r++) BinaryKernels.addVV(g, 0, gradientsOf[r][slot].storage(), 0, g, 0, n);
            double own = replicas > 1
                    ? GradNormKernels.addScaleSumOfSquares(g, gradientsOf[replicas - 1][slot].storage(), scale, n)
                    : clipped[slot] ? GradNormKernels.sumOfSquares(g, n) : 0;
            if (clipped[slot]) squares += own;
        }
        squaresOfPart[part] = squares;
    }

    private void update(int part) {
        for (int slot : slotsOfPart[part]) {
            float[] g = gradientsOf[0][slot].storage();
            if (clip != null && clipped[slot] && factor < 1f) GradNormKernels.scale(g, g.length, factor);
            if (optimizer != null && optimizerIndex[slot] >= 0) {
                optimizer.update(optimizerIndex[slot], parameters.get(slot).storage(), g);
            }
        }
    }
}
