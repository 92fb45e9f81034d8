package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies a row-major tensor of rank up to 4 into the layout of a permutation of its axes.
 *
 * <p>The permutation is first reduced to its essential form: axes of length 1 are dropped, and output axes that
 * read consecutive input axes in order are merged into one (so {@code [B,T,H,d] -> [B,H,T,d]} becomes a permutation
 * of three groups, and an identity permutation becomes one). Then one of two loops runs:
 * <ul>
 *   <li>the last output axis is still contiguous in the input: whole runs of it are copied, with
 *       {@link System#arraycopy} when they are long enough;</li>
 *   <li>otherwise the last output axis and the input's contiguous axis form a 2-D transpose, done for every index of
 *       the other (at most two) axes by {@link TransposeKernel}'s cache-blocked, in-register transpose.</li>
 * </ul>
 * The reduction uses a per-thread scratch array, so a steady-state call allocates nothing.
 */
public final class PermuteKernel {
    /** Runs shorter than this are copied element by element ({@code arraycopy}'s call costs more). */
    private static final int MIN_ARRAYCOPY = 16;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Runs of whole vectors up to this length are copied with vector moves instead of an {@code arraycopy} call each:
     * a [12,64,4,32] to [12,4,64,32] permute (a GPT's heads, runs of 32) took 14.6-17.6 us against 23.0-27.6 (probe
     * medians, 2026-12-06).
     */
    private static final int MAX_VECTOR_RUN = 8 * L;
    /** Slots of the scratch array: group lengths, their input strides, their output strides (4 each). */
    private static final int LEN = 0, IN_STRIDE = 4, OUT_STRIDE = 8, SCRATCH_SIZE = 12;
    private static final ThreadLocal<int[]> SCRATCH = ThreadLocal.withInitial(() -> new int[SCRATCH_SIZE]);

    private PermuteKernel() {}

    /**
     * {@code out[i0,i1,i2,i3] = x[j]} where output axis {@code t} runs along input axis {@code at}: the input has
     * dimensions {@code d0..d3} (pad a lower rank with leading 1s), the output has dimensions
     * {@code d[a0], d[a1], d[a2], d[a3]}. {@code a0..a3} must be a permutation of {@code 0..3}; {@code x} and
     * {@code out} must not overlap.
     */
    public static void permute(float[] x, int d0, int d1, int d2, int d3, int a0, int a1, int a2, int a3, float[] out) {
        long size = (long) d0 * d1 * d2 * d3;
        if (size == 0) return;
        int[] w = SCRATCH.get();
        int groups = group(w, d0, d1, d2, d3, a0, a1, a2, a3);
        if (groups <= 1) {
            System.arraycopy(x, 0, out, 0, (int) size);
        } else if (w[IN_STRIDE + 3] == 1) {
            copyRuns(x, w, out);
        } else {
            transposes(x, w, out);
        }
    }

    /**
     * Fills {@code w} with the essential form of the permutation: {@code groups} merged output axes, right-aligned in
     * slots 0..3 (the unused leading slots have length 1 and stride 0), each with its length, its stride in the input
     * and its stride in the output.
     *
     * @return the number of groups
     */
    private static int group(int[] w, int d0, int d1, int d2, int d3, int a0, int a1, int a2, int a3) {
        int s3 = 1, s2 = d3, s1 = d2 * s2, s0 = d1 * s1;
        int groups = 0, lastAxis = -1;
        for (int t = 0; t < 4; t++) {
            int axis = t == 0 ? a0 : t == 1 ? a1 : t == 2 ? a2 : a3;
            int len = pick(axis, d0, d1, d2, d3);
            if (len == 1) continue;
            int stride = pick(axis, s0, s1, s2, s3);
            if (groups > 0 && axis > lastAxis && onlyOnesBetween(lastAxis, axis, d0, d1, d2, d3)) {
                w[LEN + groups - 1] *= len;           // continues the previous group in the input: merge
                w[IN_STRIDE + groups - 1] = stride;  // a group's stride is that of its innermost axis
            } else {
                w[LEN + groups] = len;
                w[IN_STRIDE + groups] = stride;
                groups++;
            }
            lastAxis = axis;
        }
        int shift = 4 - groups;
        for (int g = groups - 1; g >= 0; g--) {
            w[LEN + g + shift] = w[LEN + g];
            w[IN_STRIDE + g + shift] = w[IN_STRIDE + g];
        }
        for (int g = 0; g < shift; g++) {
            w[LEN + g] = 1;
            w[IN_STRIDE + g] = 0;
        }
        int stride = 1;
        for (int g = 3; g >= 0; g--) {
            w[OUT_STRIDE + g] = stride;
            stride *= w[LEN + g];
        }
        return groups;
    }

    private static int pick(int i, int v0, int v1, int v2, int v3) {
        return i == 0 ? v0 : i == 1 ? v1 : i == 2 ? v2 : v3;
    }

    /** Whether every input axis strictly between {@code from} and {@code to} has length 1. */
    private static boolean onlyOnesBetween(int from, int to, int d0, int d1, int d2, int d3) {
        for (int i = from + 1; i < to; i++) if (pick(i, d0, d1, d2, d3) != 1) return false;
        return true;
    }

    /** The last group is contiguous in the input: copy it run by run, in output order. */
    private static void copyRuns(float[] x, int[] w, float[] out) {
        int n0 = w[LEN], n1 = w[LEN + 1], n2 = w[LEN + 2], run = w[LEN + 3];
        int s0 = w[IN_STRIDE], s1 = w[IN_STRIDE + 1], s2 = w[IN_STRIDE + 2];
        int o = 0;
        for (int i0 = 0; i0 < n0; i0++) {
            for (int i1 = 0; i1 < n1; i1++) {
                int base = i0 * s0 + i1 * s1;
                for (int i2 = 0; i2 < n2; i2++, o += run) {
                    int from = base + i2 * s2;
                    if (run <= MAX_VECTOR_RUN && run % L == 0) {
                        for (int j = 0; j < run; j += L) {
                            FloatVector.fromArray(S, x, from + j).intoArray(out, o + j);
                        }
                    } else if (run >= MIN_ARRAYCOPY) {
                        System.arraycopy(x, from, out, o, run);
                    } else {
                        for (int j = 0; j < run; j++) out[o + j] = x[from + j];
                    }
                }
            }
        }
    }

    /**
     * The last group is strided in the input, so some other group {@code q} holds the input's contiguous axis: for
     * every index of the two remaining groups, transpose the {@code last x q} block.
     */
    private static void transposes(float[] x, int[] w, float[] out) {
        int q = w[IN_STRIDE] == 1 && w[LEN] > 1 ? 0 : w[IN_STRIDE + 1] == 1 && w[LEN + 1] > 1 ? 1 : 2;
        int u = q == 0 ? 1 : 0, v = q == 2 ? 1 : 2;  // the other two groups, in order
        int nu = w[LEN + u], nv = w[LEN + v];
        int inU = w[IN_STRIDE + u], inV = w[IN_STRIDE + v], outU = w[OUT_STRIDE + u], outV = w[OUT_STRIDE + v];
        int rows = w[LEN + 3], rowStride = w[IN_STRIDE + 3], cols = w[LEN + q], colStride = w[OUT_STRIDE + q];
        for (int iu = 0; iu < nu; iu++) {
            for (int iv = 0; iv < nv; iv++) {
                TransposeKernel.transpose(x, iu * inU + iv * inV, rowStride, rows, cols,
                        out, iu * outU + iv * outV, colStride);
            }
        }
    }
}
