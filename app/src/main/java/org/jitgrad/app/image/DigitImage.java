package org.jitgrad.app.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.jitgrad.app.data.InputFile;

/**
 * Turns an image of a digit into model input the way MNIST is encoded: {@code side x side} grey
 * values in [0, 1], row major, with a bright digit on a dark background. Transparent pixels count
 * as background. A picture whose mean is bright (dark ink on white paper) is inverted.
 */
public final class DigitImage {
    /**
     * Most pixels read (32 Mi, a 24-megapixel photo fits): the size is checked in the file's header before the image
     * is decoded, since a small compressed file can declare a picture that would not fit in memory.
     */
    public static final long MAX_PIXELS = 1L << 25;

    private DigitImage() {}

    /**
     * Reads a PNG (or any format ImageIO knows) and converts it.
     *
     * @throws IOException if the file is not an image ImageIO reads, or has more than {@link #MAX_PIXELS} pixels
     */
    public static float[] read(Path file, int side) throws IOException {
        InputFile.check(file, "image", "an image");
        return toInput(decode(file), side);
    }

    private static BufferedImage decode(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) throw new IOException(file + ": not an image ImageIO can read");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0), height = reader.getHeight(0);
                if (width * height > MAX_PIXELS) {
                    throw new IOException(file + ": the image is " + width + " x " + height + " pixels, more than the " + MAX_PIXELS
                            + " this command reads; scale it down first");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Converts an image: scaled to {@code side x side}, grey, inverted when mostly bright. */
    public static float[] toInput(BufferedImage image, int side) {
        // Flatten transparency onto a background opposite to the ink (dark ink -> white paper), so a
        // digit drawn on a transparent canvas stays visible; then scale with area averaging.
        BufferedImage grey = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        boolean transparent = image.getColorModel().hasAlpha();
        int background = 0;
        if (transparent) {
            double ink = 0, alpha = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int argb = image.getRGB(x, y);
                    double a = (argb >>> 24) / 255.0;
                    ink += a * luminance(argb);
                    alpha += a;
                }
            }
            background = alpha > 0 && ink / alpha < 128 ? 255 : 0;
        }
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int argb = image.getRGB(x, y);
                int a = transparent ? argb >>> 24 : 255;
                int r = blend((argb >> 16) & 255, background, a);
                int g = blend((argb >> 8) & 255, background, a);
                int b = blend(argb & 255, background, a);
                rgb.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        Graphics2D gfx = grey.createGraphics();
        gfx.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        gfx.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        gfx.drawImage(rgb.getScaledInstance(side, side, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        gfx.dispose();
        float[] values = new float[side * side];
        double sum = 0;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                float v = (grey.getRaster().getSample(x, y, 0)) / 255f;
                values[y * side + x] = v;
                sum += v;
            }
        }
        if (sum / values.length > 0.5) {
            for (int i = 0; i < values.length; i++) values[i] = 1f - values[i];
        }
        return values;
    }

    private static int blend(int channel, int background, int alpha) {
        return (channel * alpha + background * (255 - alpha)) / 255;
    }

    private static double luminance(int argb) {
        return 0.299 * ((argb >> 16) & 255) + 0.587 * ((argb >> 8) & 255) + 0.114 * (argb & 255);
    }
}
