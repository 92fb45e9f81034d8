package org.jitgrad.nn;

import java.util.Map;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.Tensor;

/**
 * One entry of a module's PyTorch state dict (see {@link Module#stateEntries()}): the tensor of this module that
 * holds it, how PyTorch lays it out relative to that tensor, and whether it is learned or a fixed buffer.
 *
 * @param tensor the module's own tensor (live: loading writes into it)
 * @param layout {@link Layout#TRANSPOSED} for a 2-D tensor PyTorch stores as its transpose ({@code nn.Linear}'s
 *               weight is {@code [out, in]}, ours {@code [in, out]})
 * @param kind   a learned {@link Kind#PARAMETER}, or a {@link Kind#FIXED_BUFFER} PyTorch may list but which the
 *               model computes itself
 */
public record StateEntry(Tensor tensor, Layout layout, Kind kind) {
    /** How PyTorch stores the entry relative to the module's tensor. */
    public enum Layout {
        /** The same shape and element order. */
        SAME,
        /** The transpose of a 2-D tensor. */
        TRANSPOSED
    }

    /** What the entry is. */
    public enum Kind {
        /** A learned tensor: {@link Module#stateDict()} writes it and {@link Module#loadStateDict} requires it. */
        PARAMETER,
        /**
         * A constant PyTorch keeps in some versions of a model (nanoGPT's causal mask {@code attn.bias} under PyTorch
         * before 2.0): not written, optional on load, and when present it must hold exactly this tensor's values.
         */
        FIXED_BUFFER
    }

    /**
     * Checks the entry.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if a transposed entry is not 2-D
     */
    public StateEntry {
        if (tensor == null || layout == null || kind == null) throw new NullPointerException("StateEntry: null tensor, layout or kind");
        if (layout == Layout.TRANSPOSED && tensor.rank() != 2) {
            throw new IllegalArgumentException("StateEntry: only a 2-D tensor can be stored transposed, got " + tensor.shape());
        }
    }

    /** A parameter PyTorch stores as we do. */
    public static StateEntry parameter(Tensor tensor) {
        return new StateEntry(tensor, Layout.SAME, Kind.PARAMETER);
    }

    /**
     * A 2-D parameter PyTorch stores transposed.
     *
     * @throws IllegalArgumentException if {@code tensor} is not 2-D
     */
    public static StateEntry transposedParameter(Tensor tensor) {
        return new StateEntry(tensor, Layout.TRANSPOSED, Kind.PARAMETER);
    }

    /** A fixed buffer (see {@link Kind#FIXED_BUFFER}), stored as we do. */
    public static StateEntry fixedBuffer(Tensor tensor) {
        return new StateEntry(tensor, Layout.SAME, Kind.FIXED_BUFFER);
    }

    /** The shape of this entry in a PyTorch state dict. */
    public Shape pytorchShape() {
        Shape s = tensor.shape();
        return layout == Layout.TRANSPOSED ? Shape.of(s.dim(1), s.dim(0)) : s;
    }

    /** The values in PyTorch's layout, as a new array. */
    public float[] toPyTorch() {
        return layout == Layout.TRANSPOSED ? transpose(tensor.storage(), tensor.shape().dim(0), tensor.shape().dim(1))
                : tensor.storage().clone();
    }

    /** Values given in PyTorch's layout ({@link #pytorchShape()}), rearranged into this module's layout. */
    float[] fromPyTorch(float[] values) {
        return layout == Layout.TRANSPOSED ? transpose(values, tensor.shape().dim(1), tensor.shape().dim(0)) : values.clone();
    }

    /** {@code [rows, cols]} to {@code [cols, rows]}. */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
        }
        return t;
    }

    /** Adds every entry of {@code child} to {@code into} under {@code prefix + "." + its name}: for composite modules. */
    public static void putAll(Map<String, StateEntry> into, String prefix, Module child) {
        child.stateEntries().forEach((name, entry) -> into.put(prefix + "." + name, entry));
    }
}
