package org.jitgrad.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jitgrad.testing.Rand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The vector select against its definition, for every combination of spanning and repeated operands. */
class SelectKernelsTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 16, 17, 33, 100})
    void matchesTheScalarDefinition(int n) {
        float[] c = Rand.uniform(1, n + 3, -1f, 1f), a = Rand.uniform(2, n + 3, -5f, 5f), b = Rand.uniform(3, n + 3, -5f, 5f);
        for (int i = 0; i < c.length; i += 3) c[i] = 0f;
        c[1] = Float.NaN;  // NaN != 0: selects a, like Java's !=
        for (int flags = 0; flags < 8; flags++) {
            boolean cs = (flags & 1) != 0, as = (flags & 2) != 0, bs = (flags & 4) != 0;
            float[] o = new float[n + 2];
            SelectKernels.select(c, 1, cs, a, 2, as, b, 0, bs, o, 1, n);
            for (int i = 0; i < n; i++) {
                float expected = c[cs ? 1 + i : 1] != 0f ? a[as ? 2 + i : 2] : b[bs ? i : 0];
                assertEquals(expected, o[1 + i], "n=" + n + " flags=" + flags + " i=" + i);
            }
            assertEquals(0f, o[0]);
            assertEquals(0f, o[n + 1]);
        }
    }
}
