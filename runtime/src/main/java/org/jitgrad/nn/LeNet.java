package org.jitgrad.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * LeNet-5-style convolutional classifiers of 28x28 single-channel images (MNIST), taking each image as a flat row of
 * {@link #INPUTS} pixels:
 *
 * <pre>
 * Unflatten [1, 28, 28]
 * Conv2d(1, 6, 5x5, padding 2), activation, MaxPool2d(2)     -> [6, 14, 14]
 * Conv2d(6, 16, 5x5),           activation, MaxPool2d(2)     -> [16, 5, 5]
 * Flatten                                                    -> 400
 * Linear layers 400 -> hidden... -> classes, the activation between them (none after the last)
 * </pre>
 *
 * The classic head is {@code hidden = {120, 84}}, 10 classes, ReLU: 61,706 parameters. Layer {@code i} of the
 * parameterised ones (two convolutions, then the linear layers) is seeded with {@code seed + i}, as in {@link MLP}.
 */
public final class LeNet {
    /** Side of the square input image. */
    public static final int SIDE = 28;
    /** Pixels per image: the width of an input row. */
    public static final int INPUTS = SIDE * SIDE;
    /** Channels of the first and second convolution. */
    public static final int CHANNELS_1 = 6, CHANNELS_2 = 16;
    /** Kernel side of both convolutions. */
    public static final int KERNEL = 5;
    /** Features after the second pooling, the first linear layer's input: 16 channels of 5x5. */
    public static final int FEATURES = CHANNELS_2 * 5 * 5;
    /** The classic head's hidden widths. */
    public static final int[] CLASSIC_HIDDEN = {120, 84};

    private LeNet() {}

    /**
     * A LeNet with the given dense head, e.g. {@code of(new int[] {120, 84}, 10, RELU, 42)}.
     *
     * @param hidden     widths of the hidden linear layers after the convolutions (may be empty)
     * @param classes    the width of the output logits
     * @param activation placed after each convolution and each hidden linear layer
     * @return a {@link Sequential} taking {@code [N, 784]} rows of pixels and giving {@code [N, classes]} logits
     * @throws IllegalArgumentException if a width or the class count is below 1
     */
    public static Sequential of(int[] hidden, int classes, Activation activation, long seed) {
        for (int h : hidden) {
            if (h < 1) throw new IllegalArgumentException("LeNet: hidden widths must be positive, got " + Arrays.toString(hidden));
        }
        if (classes < 1) throw new IllegalArgumentException("LeNet: classes must be positive, got " + classes);
        List<Module> layers = new ArrayList<>(List.of(
                new Unflatten(1, SIDE, SIDE),
                new Conv2d(1, CHANNELS_1, KERNEL, 1, 2, true, seed), activation, new MaxPool2d(2),
                new Conv2d(CHANNELS_1, CHANNELS_2, KERNEL, 1, 0, true, seed + 1), activation, new MaxPool2d(2),
                new Flatten()));
        int in = FEATURES;
        for (int i = 0; i <= hidden.length; i++) {
            int out = i < hidden.length ? hidden[i] : classes;
            layers.add(new Linear(in, out, seed + 2 + i));
            if (i < hidden.length) layers.add(activation);
            in = out;
        }
        return new Sequential(layers);
    }

    /** The classic LeNet-5 shape: 120 and 84 hidden, ReLU, 10 classes. */
    public static Sequential classic(long seed) {
        return of(CLASSIC_HIDDEN, 10, Activation.RELU, seed);
    }

    /** Trainable values of {@link #of} with this head: both convolutions plus the linear layers (nothing is checked). */
    public static long parameterCount(int[] hidden, int classes) {
        long n = (long) CHANNELS_1 * KERNEL * KERNEL + CHANNELS_1
                + (long) CHANNELS_2 * CHANNELS_1 * KERNEL * KERNEL + CHANNELS_2;
        int in = FEATURES;
        for (int i = 0; i <= hidden.length; i++) {
            int out = i < hidden.length ? hidden[i] : classes;
            n += (long) in * out + out;
            in = out;
        }
        return n;
    }
}
