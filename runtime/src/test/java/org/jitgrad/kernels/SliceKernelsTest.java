package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link SliceKernels}: a slice and its adjoint, against the definition, over garbage-filled outputs. */
class SliceKernelsTest {
    @ParameterizedTest(name = "[{0},{1},{2}] [{3},{4})")
    @CsvSource({"1,7,1,0,7", "3,7,1,2,5", "2,17,5,0,0", "2,17,5,16,17", "4,1,33,0,1", "1,33,3,7,20"})
    void sliceThenPadRestoresTheRangeAndZerosTheRest(int outer, int len, int inner, int start, int end) {
        float[] x = new float[outer * len * inner];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        int sub = end - start;
        float[] sliced = new float[outer * sub * inner + 2];
        Arrays.fill(sliced, Float.NaN);
        SliceKernels.slice(x, outer, len, inner, start, end, sliced);
        for (int o = 0; o < outer; o++) for (int l = 0; l < sub; l++) for (int i = 0; i < inner; i++) {
            assertEquals(x[(o * len + start + l) * inner + i], sliced[(o * sub + l) * inner + i]);
        }
        assertEquals(Float.NaN, sliced[sliced.length - 1], "past the output");
        float[] padded = new float[x.length];
        Arrays.fill(padded, Float.NaN);  // an arena slot holds old values: every element must be written
        SliceKernels.pad(sliced, outer, sub, inner, start, len, padded);
        float[] expected = x.clone();
        for (int o = 0; o < outer; o++) for (int l = 0; l < len; l++) for (int i = 0; i < inner; i++) {
            if (l < start || l >= end) expected[(o * len + l) * inner + i] = 0f;
        }
        assertArrayEquals(expected, padded);
    }
}
