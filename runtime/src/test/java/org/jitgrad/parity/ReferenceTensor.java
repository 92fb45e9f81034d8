package org.jitgrad.parity;

import org.jitgrad.tensor.Tensor;

/** One tensor of a reference file: its dimensions and its values in float64. */
public record ReferenceTensor(int[] dims, double[] values) {
    /** The values rounded to float, as a tensor of these dimensions. */
    public Tensor toTensor() {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        return Tensor.of(f, dims);
    }

    /** The values as integers (an axis list, a shape). */
    public int[] ints() {
        int[] v = new int[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (int) values[i];
            if (v[i] != values[i]) throw new IllegalStateException("not an integer: " + values[i]);
        }
        return v;
    }
}
