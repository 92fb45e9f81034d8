package org.jitgrad.app.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class DigitImageTest {
    /** A 56x56 image: a 2x2-cell bar of value {@code ink} on background {@code paper}. */
    private static BufferedImage bar(int ink, int paper, int type) {
        BufferedImage img = new BufferedImage(56, 56, type);
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                boolean on = x >= 20 && x < 36;
                int v = on ? ink : paper;
                int alpha = type == BufferedImage.TYPE_INT_ARGB ? (on ? 255 : 0) : 255;
                img.setRGB(x, y, (alpha << 24) | (v << 16) | (v << 8) | v);
            }
        }
        return img;
    }

    @Test
    void whiteOnBlackIsKept() {
        float[] p = DigitImage.toInput(bar(255, 0, BufferedImage.TYPE_INT_RGB), 28);
        assertEquals(784, p.length);
        assertEquals(1f, p[5 * 28 + 12], 1e-6);
        assertEquals(0f, p[5 * 28 + 2], 1e-6);
    }

    @Test
    void blackOnWhiteIsInverted() {
        float[] p = DigitImage.toInput(bar(0, 255, BufferedImage.TYPE_INT_RGB), 28);
        assertEquals(1f, p[5 * 28 + 12], 1e-6);
        assertEquals(0f, p[5 * 28 + 2], 1e-6);
    }

    @Test
    void darkInkOnATransparentCanvasStaysVisible() {
        float[] p = DigitImage.toInput(bar(0, 0, BufferedImage.TYPE_INT_ARGB), 28);
        assertEquals(1f, p[5 * 28 + 12], 1e-6);
        assertEquals(0f, p[5 * 28 + 2], 1e-6);
    }
}
