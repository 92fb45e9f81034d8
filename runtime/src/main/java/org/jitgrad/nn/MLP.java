package org.jitgrad.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Multi-layer perceptrons: {@code Linear} layers with an activation between them (none after the last). */
public final class MLP {
    private MLP() {}

    /**
     * An MLP through the given layer sizes, e.g. {@code of(new int[] {784, 256, 128, 10}, RELU, 42)}.
     * Layer {@code i} is seeded with {@code seed + i}.
     *
     * @param sizes      the input width, the hidden widths, then the output width
     * @param activation placed after every linear layer but the last (the same instance each time)
     * @return a {@link Sequential} of {@link Linear} layers and activations, numbered as PyTorch's {@code nn.Sequential}
     * @throws IllegalArgumentException if fewer than two sizes are given or a size is not positive
     */
    public static Sequential of(int[] sizes, Activation activation, long seed) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("MLP: needs at least input and output sizes, got " + Arrays.toString(sizes));
        }
        List<Module> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(new Linear(sizes[i], sizes[i + 1], seed + i));
            if (i + 2 < sizes.length) layers.add(activation);
        }
        return new Sequential(layers);
    }
}
