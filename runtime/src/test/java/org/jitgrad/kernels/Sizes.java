package org.jitgrad.kernels;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Lengths that exercise the vector body, the scalar tail, and both (for any species length up to 16). */
final class Sizes {
    private Sizes() {}

    static IntStream lengths() {
        return IntStream.of(1, 7, 15, 16, 17, 33, 257);
    }

    /** Each length with no offsets and with unaligned, distinct offsets for the two inputs and the output. */
    static Stream<Arguments> lengthsAndOffsets() {
        return lengths().boxed().flatMap(n -> Stream.of(Arguments.of(n, 0, 0, 0), Arguments.of(n, 3, 5, 1)));
    }

    /** {@code [outer, len, inner]} views built from the lengths, with the reduced axis first, middle and last. */
    static Stream<Arguments> axisViews() {
        return lengths().boxed().flatMap(n -> Stream.of(
                Arguments.of(1, n, 1), Arguments.of(3, n, 1), Arguments.of(2, n, 5), Arguments.of(2, 3, n), Arguments.of(n, 2, 1)));
    }

    /** A sentinel-filled array: regions a kernel must not touch keep this value. */
    static float[] sentinel(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 42.5f);
        return a;
    }
}
