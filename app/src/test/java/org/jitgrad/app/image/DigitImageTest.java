package org.jitgrad.app.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigitImageTest {
    @TempDir
    Path dir;

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

    @Test
    void aPngFileReadsAsItsImageConverts() throws IOException {
        BufferedImage img = bar(255, 0, BufferedImage.TYPE_INT_RGB);
        Path f = dir.resolve("bar.png");
        ImageIO.write(img, "png", f.toFile());
        assertArrayEquals(DigitImage.toInput(img, 28), DigitImage.read(f, 28));
    }

    @Test
    void aPngDeclaringAHugeImageIsRefusedBeforeDecoding() throws IOException {
        // The header of a 20000 x 20000 grey picture. With its pixels (all black: a 390 KB file) ImageIO decoded 400 MB
        // and the conversion took 1.6 GB more; at 30000 x 30000 the launcher's 2 GB heap ran out.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream png = new DataOutputStream(bytes);
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(20_000).putInt(20_000).put((byte) 8).put(new byte[4]).array());
        chunk(png, "IEND", new byte[0]);
        Path f = dir.resolve("huge.png");
        Files.write(f, bytes.toByteArray());
        IOException e = assertThrows(IOException.class, () -> DigitImage.read(f, 28));
        assertTrue(e.getMessage().contains("the image is 20000 x 20000 pixels, more than the " + DigitImage.MAX_PIXELS), e.getMessage());
    }

    private static void chunk(DataOutputStream png, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        png.writeInt(data.length);
        png.write(name);
        png.write(data);
        png.writeInt((int) crc.getValue());
    }
}
