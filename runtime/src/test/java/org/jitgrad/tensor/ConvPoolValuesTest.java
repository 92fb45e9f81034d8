package org.jitgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Convolution and pooling on tiny tensors computed by hand, forward and backward. */
class ConvPoolValuesTest {
    private static final Tensor IMAGE = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    private static final float[] KERNEL = {1, 2, 3, 4};

    @Test
    void conv2dWithBiasAndItsGradients() {
        Tensor x = Tensor.of(IMAGE.toArray(), 1, 1, 3, 3).requiresGrad();
        Tensor w = Tensor.of(KERNEL, 1, 1, 2, 2).requiresGrad();
        Tensor b = Tensor.of(new float[] {10}, 1).requiresGrad();
        Tensor y = x.conv2d(w, b, 1, 0);
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape().dims());
        // y[0,0] = 1·1 + 2·2 + 3·4 + 4·5 + 10
        assertArrayEquals(new float[] {47, 57, 77, 87}, y.toArray());
        y.sum().backward();
        assertArrayEquals(new float[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, x.grad().toArray(), "each input: the weights that saw it");
        assertArrayEquals(new float[] {12, 16, 24, 28}, w.grad().toArray(), "each weight: the inputs it saw");
        assertArrayEquals(new float[] {4}, b.grad().toArray());
    }

    @Test
    void conv2dPaddedAndStrided() {
        Tensor y = IMAGE.conv2d(Tensor.of(KERNEL, 1, 1, 2, 2), null, 2, 1);
        // windows start at -1 and 1 on both axes; out-of-image taps read zero
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape().dims());
        assertArrayEquals(new float[] {4 * 1, 3 * 2 + 4 * 3, 2 * 4 + 4 * 7, 5 + 12 + 24 + 36}, y.toArray());
    }

    @Test
    void conv2dMixesChannelsPerOutputAndKeepsImagesApart() {
        float[] one = {1, 2, 3, 4, 5, 6, 7, 8};  // channel 0 then channel 1, each 2x2
        float[] two = new float[16];
        for (int i = 0; i < 8; i++) {
            two[i] = one[i];
            two[8 + i] = 2 * one[i];
        }
        Tensor w = Tensor.of(new float[] {1, 10, -1, 0.5f}, 2, 2, 1, 1);
        Tensor y = Tensor.of(two, 2, 2, 2, 2).conv2d(w, Tensor.of(new float[] {0, 100}, 2), 1, 0);
        assertArrayEquals(new float[] {
            51, 62, 73, 84, 101.5f, 101, 100.5f, 100,      // image 0: ch0 + 10·ch1, then -ch0 + 0.5·ch1 + 100
            102, 124, 146, 168, 103, 102, 101, 100,        // image 1 is twice image 0 (the bias is not doubled)
        }, y.toArray());
    }

    @Test
    void maxPoolRoutesTiesToTheFirstMaximum() {
        Tensor x = Tensor.of(new float[] {
            3, 3, 1, 2,
            3, 0, 2, 2,
            0, 1, 5, 4,
            1, 1, 4, 5,
        }, 1, 1, 4, 4).requiresGrad();
        Tensor y = x.maxPool2d(2, 2);
        assertArrayEquals(new float[] {3, 2, 1, 5}, y.toArray());
        y.backward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        assertArrayEquals(new float[] {
            1, 0, 0, 2,
            0, 0, 0, 0,
            0, 3, 4, 0,
            0, 0, 0, 0,
        }, x.grad().toArray());
    }

    @Test
    void avgPoolAndItsGradient() {
        Tensor x = Tensor.of(IMAGE.toArray(), 1, 1, 3, 3).requiresGrad();
        Tensor y = x.avgPool2d(2, 1);
        assertArrayEquals(new float[] {3, 4, 6, 7}, y.toArray());
        y.backward(Tensor.of(new float[] {4, 8, 12, 16}, 1, 1, 2, 2));
        assertArrayEquals(new float[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, x.grad().toArray());
    }

    @Test
    void poolOutputSizeRoundsDown() {
        assertArrayEquals(new int[] {2, 3, 3, 2}, Tensor.zeros(2, 3, 7, 5).maxPool2d(2, 2).shape().dims());
        assertArrayEquals(new int[] {2, 3, 2, 1}, Tensor.zeros(2, 3, 7, 5).avgPool2d(3, 3).shape().dims());
        assertArrayEquals(new int[] {1, 4, 3, 3}, Tensor.zeros(1, 2, 7, 8).conv2d(Tensor.zeros(4, 2, 3, 3), null, 2, 0).shape().dims());
    }
}
