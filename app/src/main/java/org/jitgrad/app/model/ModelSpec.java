package org.jitgrad.app.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;
import org.jitgrad.nn.Activation;
import org.jitgrad.nn.LeNet;
import org.jitgrad.nn.MLP;
import org.jitgrad.nn.Sequential;

/**
 * What a model is, independent of its weights: its kind, the sizes {@code (inputs, hidden..., classes)}, the
 * activation between layers and the input standardization. For an {@link ModelKind#MLP} the sizes are its layers; a
 * {@link ModelKind#CNN} takes {@link LeNet#INPUTS} inputs (a 28x28 image) and its dense layers run
 * {@code 400 -> hidden... -> classes} after the convolutions. Checkpoints store it so that {@code eval} and
 * {@code predict} can rebuild the network without being told its shape.
 */
public record ModelSpec(ModelKind kind, int[] sizes, Activation activation, InputNorm norm) {

    /** Largest layer width accepted, so a corrupt description cannot ask for absurd allocations. */
    public static final int MAX_WIDTH = 1 << 20;
    /** Most layers (sizes) accepted. */
    public static final int MAX_LAYERS = 64;

    public ModelSpec {
        if (kind == null) throw new IllegalArgumentException("model kind is null");
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("a model needs at least input and output sizes, got "
                    + (sizes == null ? "none" : Arrays.toString(sizes)));
        }
        if (sizes.length > MAX_LAYERS) {
            throw new IllegalArgumentException("at most " + MAX_LAYERS + " layer sizes, got " + sizes.length);
        }
        for (int s : sizes) {
            if (s < 1 || s > MAX_WIDTH) {
                throw new IllegalArgumentException("layer sizes must be in 1.." + MAX_WIDTH + ", got " + Arrays.toString(sizes));
            }
        }
        if (kind == ModelKind.CNN && sizes[0] != LeNet.INPUTS) {
            throw new IllegalArgumentException("a cnn takes " + LeNet.SIDE + "x" + LeNet.SIDE + " images (" + LeNet.INPUTS
                    + " inputs), got " + sizes[0] + " inputs");
        }
        if (activation == null) throw new IllegalArgumentException("activation is null");
        if (norm == null) norm = InputNorm.IDENTITY;
        sizes = sizes.clone();
    }

    /** An MLP through {@code sizes}. */
    public ModelSpec(int[] sizes, Activation activation, InputNorm norm) {
        this(ModelKind.MLP, sizes, activation, norm);
    }

    /** An MLP {@code inputs -> hidden... -> classes}. */
    public static ModelSpec mlp(int inputs, int[] hidden, int classes, Activation activation, InputNorm norm) {
        return of(ModelKind.MLP, inputs, hidden, classes, activation, norm);
    }

    /** A model of {@code kind} for {@code inputs} features, with these hidden widths, and {@code classes} outputs. */
    public static ModelSpec of(ModelKind kind, int inputs, int[] hidden, int classes, Activation activation, InputNorm norm) {
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = inputs;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = classes;
        return new ModelSpec(kind, sizes, activation, norm);
    }

    @Override
    public int[] sizes() { return sizes.clone(); }

    public int inputs() { return sizes[0]; }

    public int classes() { return sizes[sizes.length - 1]; }

    /** The hidden layer widths. */
    public int[] hidden() { return Arrays.copyOfRange(sizes, 1, sizes.length - 1); }

    /** A fresh network with weights drawn from {@code seed}. */
    public Sequential build(long seed) {
        return switch (kind) {
            case MLP -> MLP.of(sizes, activation, seed);
            case CNN -> LeNet.of(hidden(), classes(), activation, seed);
        };
    }

    /** Number of trainable values. */
    public long parameterCount() {
        if (kind == ModelKind.CNN) return LeNet.parameterCount(hidden(), classes());
        long n = 0;
        for (int i = 0; i + 1 < sizes.length; i++) n += (long) sizes[i] * sizes[i + 1] + sizes[i + 1];
        return n;
    }

    /**
     * E.g. {@code 784-256-128-10 relu}, or for a CNN
     * {@code cnn 28x28 (conv 5x5 6, pool 2, conv 5x5 16, pool 2) 400-120-84-10 relu}.
     */
    public String describe() {
        StringJoiner j = new StringJoiner("-");
        if (kind == ModelKind.CNN) j.add(Integer.toString(LeNet.FEATURES));
        for (int i = kind == ModelKind.CNN ? 1 : 0; i < sizes.length; i++) j.add(Integer.toString(sizes[i]));
        String convolutions = kind == ModelKind.CNN
                ? String.format(Locale.ROOT, "cnn %dx%d (conv %dx%d %d, pool 2, conv %dx%d %d, pool 2) ", LeNet.SIDE, LeNet.SIDE,
                        LeNet.KERNEL, LeNet.KERNEL, LeNet.CHANNELS_1, LeNet.KERNEL, LeNet.KERNEL, LeNet.CHANNELS_2)
                : "";
        return convolutions + j + " " + activation.name().toLowerCase(Locale.ROOT)
                + (norm.equals(InputNorm.IDENTITY) ? "" : String.format(Locale.ROOT, ", inputs standardized (mean %.4f, std %.4f)", norm.mean(), norm.std()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && kind == m.kind && Arrays.equals(sizes, m.sizes) && activation == m.activation
                && norm.equals(m.norm);
    }

    @Override
    public int hashCode() { return 31 * (31 * (31 * kind.hashCode() + Arrays.hashCode(sizes)) + activation.hashCode()) + norm.hashCode(); }

    @Override
    public String toString() { return describe(); }
}
