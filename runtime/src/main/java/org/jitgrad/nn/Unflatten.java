package org.jitgrad.nn;

import java.util.Arrays;
import java.util.Map;
import org.jitgrad.tensor.Shape;
import org.jitgrad.tensor.ShapeException;
import org.jitgrad.tensor.Tensor;

/**
 * Gives each sample of a flat batch a shape: {@code [N, d1·...·dk] -> [N, d1, ..., dk]}, as PyTorch's
 * {@code nn.Unflatten(1, (d1, ..., dk))}. Puts a row of pixels back into image form, e.g. {@code [N, 784]} to
 * {@code [N, 1, 28, 28]} before a convolution. No parameters; the values are reshaped by {@link Tensor#reshape}, which
 * copies them on the tape.
 */
public final class Unflatten implements Module {
    private final int[] sampleShape;
    private final int sampleSize;

    /**
     * Reshapes each sample to {@code sampleShape}.
     *
     * @param sampleShape the dimensions of one sample, without the batch axis
     * @throws IllegalArgumentException if no dimension is given or more than {@code Shape.MAX_RANK - 1} (the batch
     *                                  axis is the other), one is below 1, or their product exceeds
     *                                  {@code Integer.MAX_VALUE}
     */
    public Unflatten(int... sampleShape) {
        if (sampleShape.length == 0) throw new IllegalArgumentException("Unflatten: needs at least one dimension");
        if (sampleShape.length > Shape.MAX_RANK - 1) {
            throw new IllegalArgumentException("Unflatten: " + Arrays.toString(sampleShape) + " has " + sampleShape.length
                    + " dimensions; with the batch axis a tensor has at most " + Shape.MAX_RANK);
        }
        long size = 1;
        for (int d : sampleShape) {
            if (d < 1) throw new IllegalArgumentException("Unflatten: dimensions must be positive, got " + Arrays.toString(sampleShape));
            size *= d;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Unflatten: " + Arrays.toString(sampleShape) + " holds more than 2^31 values");
            }
        }
        this.sampleShape = sampleShape.clone();
        this.sampleSize = (int) size;
    }

    /**
     * Reshapes {@code [N, d1·...·dk]} to {@code [N, d1, ..., dk]}.
     *
     * @throws ShapeException if the input is not a matrix whose rows hold {@code d1·...·dk} values
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 2 || x.shape().dim(1) != sampleSize) {
            throw new ShapeException("Unflatten" + Arrays.toString(sampleShape) + ": expects a batch [N, " + sampleSize + "], got "
                    + x.shape());
        }
        int[] target = new int[sampleShape.length + 1];
        target[0] = x.shape().dim(0);
        System.arraycopy(sampleShape, 0, target, 1, sampleShape.length);
        return x.reshape(target);
    }

    /** The shape each sample gets. */
    public int[] sampleShape() { return sampleShape.clone(); }

    @Override
    public Map<String, Tensor> namedParameters() { return Module.noParameters(); }

    @Override
    public String toString() { return "Unflatten" + Arrays.toString(sampleShape); }
}
