package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PermuteKernel} against the definition, for all 24 permutations of rank-4 shapes: axes of length 1 (which the
 * kernel drops), mergeable runs, contiguous runs short and long (the element loop, whole vectors up to 8 of them,
 * arraycopy), and transposed blocks of 16 and more (the in-register transpose) with ragged edges.
 */
class PermuteKernelTest {
    static Stream<Arguments> cases() {
        int[][] shapes = {
            {1, 1, 1, 1}, {2, 3, 4, 5}, {1, 7, 1, 17}, {3, 1, 33, 2}, {2, 17, 3, 33}, {1, 1, 16, 16}, {2, 33, 17, 1},
            {1, 20, 3, 18}, {3, 0, 2, 5}, {3, 4, 5, 32}, {2, 3, 2, 128}, {2, 3, 2, 144},
        };
        List<Arguments> cases = new ArrayList<>();
        for (int[] shape : shapes) for (int[] perm : permutations()) cases.add(Arguments.of(shape, perm));
        return cases.stream();
    }

    static List<int[]> permutations() {
        List<int[]> all = new ArrayList<>();
        for (int a = 0; a < 4; a++) for (int b = 0; b < 4; b++) for (int c = 0; c < 4; c++) for (int d = 0; d < 4; d++) {
            if (a != b && a != c && a != d && b != c && b != d && c != d) all.add(new int[] {a, b, c, d});
        }
        return all;
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("cases")
    void matchesTheDefinitionAndWritesOnlyTheOutput(int[] d, int[] p) {
        int size = d[0] * d[1] * d[2] * d[3];
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = i + 0.5f;
        float[] out = new float[size + 3];
        Arrays.fill(out, -7f);
        PermuteKernel.permute(x, d[0], d[1], d[2], d[3], p[0], p[1], p[2], p[3], out);
        float[] expected = naive(x, d, p);
        for (int i = 0; i < size; i++) assertEquals(expected[i], out[i], "element " + i);
        for (int i = size; i < out.length; i++) assertEquals(-7f, out[i], "past the output");
    }

    /** out[o] with o running over the output in row-major order, reading x at the matching input index. */
    static float[] naive(float[] x, int[] d, int[] p) {
        int[] inStride = {d[1] * d[2] * d[3], d[2] * d[3], d[3], 1};
        int[] od = {d[p[0]], d[p[1]], d[p[2]], d[p[3]]};
        float[] out = new float[x.length];
        int o = 0;
        for (int i0 = 0; i0 < od[0]; i0++) for (int i1 = 0; i1 < od[1]; i1++) for (int i2 = 0; i2 < od[2]; i2++) {
            for (int i3 = 0; i3 < od[3]; i3++) {
                out[o++] = x[i0 * inStride[p[0]] + i1 * inStride[p[1]] + i2 * inStride[p[2]] + i3 * inStride[p[3]]];
            }
        }
        return out;
    }

    @Test
    void aLargeAttentionStylePermutationBothWays() {
        int[] d = {2, 40, 6, 64};
        int size = d[0] * d[1] * d[2] * d[3];
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = i;
        for (int[] p : new int[][] {{0, 2, 1, 3}, {0, 2, 3, 1}, {3, 1, 2, 0}}) {
            float[] out = new float[size];
            PermuteKernel.permute(x, d[0], d[1], d[2], d[3], p[0], p[1], p[2], p[3], out);
            org.jitgrad.testing.Approx.assertExact(naive(x, d, p), out, Arrays.toString(p));
        }
    }
}
