package org.jitgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise two-input kernels on spans: {@code VV} (two arrays), {@code VS} (array and scalar),
 * {@code SV} (scalar and array). {@code org.jitgrad.ops.BinaryOp} drives them over the supported broadcast forms.
 * Each is a single small loop so that C2 inlines and vectorizes it at every call site.
 */
public final class BinaryKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private BinaryKernels() {}

    public static void addVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ao + i, m).add(FloatVector.fromArray(S, b, bo + i, m)).intoArray(o, oo + i, m);
        }
    }

    public static void addVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, a, ao + i).add(s).intoArray(o, oo + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ao + i, m).add(s).intoArray(o, oo + i, m);
        }
    }

    public static void subVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ao + i, m).sub(FloatVector.fromArray(S, b, bo + i, m)).intoArray(o, oo + i, m);
        }
    }

    public static void subVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, a, ao + i).sub(s).intoArray(o, oo + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ao + i, m).sub(s).intoArray(o, oo + i, m);
        }
    }

    public static void subSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.broadcast(S, s).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.broadcast(S, s).sub(FloatVector.fromArray(S, b, bo + i, m)).intoArray(o, oo + i, m);
        }
    }

    public static void mulVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ao + i, m).mul(FloatVector.fromArray(S, b, bo + i, m)).intoArray(o, oo + i, m);
        }
    }

    public static void mulVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, a, ao + i).mul(s).intoArray(o, oo + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ao + i, m).mul(s).intoArray(o, oo + i, m);
        }
    }

    public static void divVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, a, ao + i).div(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ao + i, m).div(FloatVector.fromArray(S, b, bo + i, m)).intoArray(o, oo + i, m);
        }
    }

    public static void divVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, a, ao + i).div(s).intoArray(o, oo + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ao + i, m).div(s).intoArray(o, oo + i, m);
        }
    }

    public static void divSV(float s, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.broadcast(S, s).div(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.broadcast(S, s).div(FloatVector.fromArray(S, b, bo + i, m)).intoArray(o, oo + i, m);
        }
    }

    public static void maxVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, a, ao + i).max(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ao + i, m).max(FloatVector.fromArray(S, b, bo + i, m)).intoArray(o, oo + i, m);
        }
    }

    public static void maxVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, a, ao + i).max(s).intoArray(o, oo + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, ao + i, m).max(s).intoArray(o, oo + i, m);
        }
    }

    /**
     * {@code o = (a cmp b) ? 1 : 0}: comparison masks. Callers pass a constant operator, which the JIT
     * folds once this small method is inlined.
     */
    public static void maskVV(VectorOperators.Comparison cmp, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector av = FloatVector.fromArray(S, a, ao + i);
            zero.blend(1f, av.compare(cmp, FloatVector.fromArray(S, b, bo + i))).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector av = FloatVector.fromArray(S, a, ao + i, m);
            zero.blend(1f, av.compare(cmp, FloatVector.fromArray(S, b, bo + i, m))).intoArray(o, oo + i, m);
        }
    }

    /** {@code o = (a cmp s) ? 1 : 0}. */
    public static void maskVS(VectorOperators.Comparison cmp, float[] a, int ao, float s, float[] o, int oo, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            zero.blend(1f, FloatVector.fromArray(S, a, ao + i).compare(cmp, s)).intoArray(o, oo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            zero.blend(1f, FloatVector.fromArray(S, a, ao + i, m).compare(cmp, s)).intoArray(o, oo + i, m);
        }
    }

    /** {@code o = min(a, b)}. */
    public static void minVV(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector.fromArray(S, a, ao + i).min(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
        }
        for (; i < n; i++) o[oo + i] = Math.min(a[ao + i], b[bo + i]);
    }

    public static void minVS(float[] a, int ao, float s, float[] o, int oo, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) FloatVector.fromArray(S, a, ao + i).min(s).intoArray(o, oo + i);
        for (; i < n; i++) o[oo + i] = Math.min(a[ao + i], s);
    }
}
