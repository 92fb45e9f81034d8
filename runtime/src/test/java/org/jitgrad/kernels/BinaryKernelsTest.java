package org.jitgrad.kernels;

import static org.jitgrad.testing.Approx.assertExact;

import org.jitgrad.testing.Rand;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each {@link BinaryKernels} span kernel (VV, VS, SV) against {@link ScalarKernels}, with unaligned
 * offsets. Elementwise IEEE arithmetic is exact, so results must match bit for bit, and nothing outside
 * the output span may change.
 */
class BinaryKernelsTest {
    interface VV {
        void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n);
    }

    interface VS {
        void run(float[] a, int ao, float s, float[] o, int oo, int n);
    }

    interface SV {
        void run(float s, float[] b, int bo, float[] o, int oo, int n);
    }

    private static float[][] operands(int n, int ao, int bo) {
        float[] a = Rand.uniform(31L * n + ao, n + ao + 2, -10f, 10f);
        float[] b = Rand.uniform(17L * n + bo, n + bo + 2, -10f, 10f);
        // some ties, so the >= masks see equal values
        for (int i = 0; i < n; i += 3) b[bo + i] = a[ao + i];
        return new float[][] {a, b};
    }

    private static void vv(String name, VV vec, VV ref, int n, int ao, int bo, int oo) {
        float[][] ab = operands(n, ao, bo);
        float[] e = Sizes.sentinel(n + oo + 2), a = Sizes.sentinel(n + oo + 2);
        ref.run(ab[0], ao, ab[1], bo, e, oo, n);
        vec.run(ab[0], ao, ab[1], bo, a, oo, n);
        assertExact(e, a, name + " n=" + n + " offsets " + ao + "," + bo + "," + oo);
    }

    private static void vs(String name, VS vec, VS ref, int n, int ao, int oo) {
        float[] x = operands(n, ao, 0)[0];
        for (float s : new float[] {x[ao], 0.75f, -3f}) {
            float[] e = Sizes.sentinel(n + oo + 2), a = Sizes.sentinel(n + oo + 2);
            ref.run(x, ao, s, e, oo, n);
            vec.run(x, ao, s, a, oo, n);
            assertExact(e, a, name + " s=" + s + " n=" + n + " offsets " + ao + "," + oo);
        }
    }

    private static void sv(String name, SV vec, SV ref, int n, int bo, int oo) {
        float[] x = operands(n, 0, bo)[1];
        for (float s : new float[] {x[bo], 0.75f, -3f}) {
            float[] e = Sizes.sentinel(n + oo + 2), a = Sizes.sentinel(n + oo + 2);
            ref.run(s, x, bo, e, oo, n);
            vec.run(s, x, bo, a, oo, n);
            assertExact(e, a, name + " s=" + s + " n=" + n + " offsets " + bo + "," + oo);
        }
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengthsAndOffsets")
    void vectorVector(int n, int ao, int bo, int oo) {
        vv("addVV", BinaryKernels::addVV, ScalarKernels::addVV, n, ao, bo, oo);
        vv("subVV", BinaryKernels::subVV, ScalarKernels::subVV, n, ao, bo, oo);
        vv("mulVV", BinaryKernels::mulVV, ScalarKernels::mulVV, n, ao, bo, oo);
        vv("divVV", BinaryKernels::divVV, ScalarKernels::divVV, n, ao, bo, oo);
        vv("maxVV", BinaryKernels::maxVV, ScalarKernels::maxVV, n, ao, bo, oo);
        vv("maskVV GE", (a, x, b, y, o, z, k) -> BinaryKernels.maskVV(VectorOperators.GE, a, x, b, y, o, z, k), ScalarKernels::geMaskVV, n, ao, bo, oo);
        vv("minVV", BinaryKernels::minVV, (a, x, b, y, o, z, k) -> { for (int i = 0; i < k; i++) o[z + i] = Math.min(a[x + i], b[y + i]); }, n, ao, bo, oo);
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengthsAndOffsets")
    void vectorScalar(int n, int ao, int bo, int oo) {
        vs("addVS", BinaryKernels::addVS, ScalarKernels::addVS, n, ao, oo);
        vs("subVS", BinaryKernels::subVS, ScalarKernels::subVS, n, ao, oo);
        vs("mulVS", BinaryKernels::mulVS, ScalarKernels::mulVS, n, ao, oo);
        vs("divVS", BinaryKernels::divVS, ScalarKernels::divVS, n, ao, oo);
        vs("maxVS", BinaryKernels::maxVS, ScalarKernels::maxVS, n, ao, oo);
        vs("maskVS GE", (a, x, c, o, z, k) -> BinaryKernels.maskVS(VectorOperators.GE, a, x, c, o, z, k), ScalarKernels::geMaskVS, n, ao, oo);
        vs("minVS", BinaryKernels::minVS, (a, x, c, o, z, k) -> { for (int i = 0; i < k; i++) o[z + i] = Math.min(a[x + i], c); }, n, ao, oo);
    }

    @ParameterizedTest
    @MethodSource("org.jitgrad.kernels.Sizes#lengthsAndOffsets")
    void scalarVector(int n, int ao, int bo, int oo) {
        sv("subSV", BinaryKernels::subSV, ScalarKernels::subSV, n, bo, oo);
        sv("divSV", BinaryKernels::divSV, ScalarKernels::divSV, n, bo, oo);
        sv("maskVS LE (s >= b)", (c, b, y, o, z, k) -> BinaryKernels.maskVS(VectorOperators.LE, b, y, c, o, z, k), ScalarKernels::geMaskSV, n, bo, oo);
    }
}
