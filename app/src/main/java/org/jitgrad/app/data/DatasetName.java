package org.jitgrad.app.data;

/** The data sets the app knows by name. */
public enum DatasetName {
    /** 60,000 + 10,000 handwritten digits of 28x28 pixels. */
    MNIST,
    /** UCI optical digits: 1,797 images of 8x8 pixels, split 80/20 into train and test. */
    DIGITS
}
