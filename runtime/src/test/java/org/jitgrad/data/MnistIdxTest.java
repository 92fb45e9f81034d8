package org.jitgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MnistIdxTest {

    private static final int COUNT = 7;
    private static final int ROWS = 4;
    private static final int COLS = 3;

    @TempDir
    Path dir;

    private static byte[] goodImages() {
        return IdxFiles.images(MnistIdx.IMAGES_MAGIC, COUNT, ROWS, COLS, IdxFiles.pixels(COUNT, ROWS, COLS));
    }

    private static byte[] goodLabels() {
        return IdxFiles.labels(MnistIdx.LABELS_MAGIC, COUNT, IdxFiles.labelBytes(COUNT));
    }

    private static byte[] encode(byte[] data, boolean gzip) {
        return gzip ? IdxFiles.gzip(data) : data;
    }

    private static void assertMessageContains(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    private DataFormatException loadFails(byte[] images, byte[] labels) throws IOException {
        Path i = IdxFiles.write(dir, "images.idx", images);
        Path l = IdxFiles.write(dir, "labels.idx", labels);
        return assertThrows(DataFormatException.class, () -> MnistIdx.load(i, l));
    }

    private DataFormatException imagesFail(String name, byte[] images) throws IOException {
        Path i = IdxFiles.write(dir, name, images);
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistIdx.readImages(i));
        assertMessageContains(e, i.toString());
        return e;
    }

    private DataFormatException labelsFail(String name, byte[] labels) throws IOException {
        Path l = IdxFiles.write(dir, name, labels);
        DataFormatException e = assertThrows(DataFormatException.class, () -> MnistIdx.readLabels(l));
        assertMessageContains(e, l.toString());
        return e;
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void roundTrip(boolean gzip) throws IOException {
        Path images = IdxFiles.write(dir, "images", encode(goodImages(), gzip));
        Path labels = IdxFiles.write(dir, "labels", encode(goodLabels(), gzip));

        Dataset data = MnistIdx.load(images, labels);

        assertEquals(COUNT, data.size());
        assertEquals(ROWS * COLS, data.featureCount());
        assertEquals(10, data.classCount());
        byte[] pixels = IdxFiles.pixels(COUNT, ROWS, COLS);
        for (int i = 0; i < pixels.length; i++) {
            assertEquals((pixels[i] & 0xFF) / 255f, data.features()[i], 0f, "pixel " + i);
        }
        byte[] expectedLabels = IdxFiles.labelBytes(COUNT);
        for (int i = 0; i < COUNT; i++) {
            assertEquals(expectedLabels[i], data.label(i));
        }
    }

    @Test
    void pixelsScaledToUnitInterval() throws IOException {
        byte[] pixels = {0, (byte) 128, (byte) 255, 1};
        Path images = IdxFiles.write(dir, "i", IdxFiles.images(MnistIdx.IMAGES_MAGIC, 1, 2, 2, pixels));
        MnistIdx.Images read = MnistIdx.readImages(images);
        assertEquals(1, read.count());
        assertEquals(2, read.rows());
        assertEquals(2, read.columns());
        assertArrayEquals(new float[] {0f, 128f / 255f, 1f, 1f / 255f}, read.pixels(), 0f);
    }

    @Test
    void lowLevelReadersMatch() throws IOException {
        Path images = IdxFiles.write(dir, "i.gz", IdxFiles.gzip(goodImages()));
        Path labels = IdxFiles.write(dir, "l", goodLabels());
        MnistIdx.Images read = MnistIdx.readImages(images);
        assertEquals(COUNT, read.count());
        assertEquals(ROWS * COLS, read.pixelsPerImage());
        int[] l = MnistIdx.readLabels(labels);
        assertEquals(COUNT, l.length);
        assertEquals(IdxFiles.labelBytes(COUNT)[5], l[5]);
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void streamReaders(boolean gzip) throws IOException {
        MnistIdx.Images images = MnistIdx.readImages(new ByteArrayInputStream(encode(goodImages(), gzip)), "mem");
        int[] labels = MnistIdx.readLabels(new ByteArrayInputStream(encode(goodLabels(), gzip)), "mem");
        assertEquals(COUNT, images.count());
        assertEquals(COUNT, labels.length);

        byte[] truncated = IdxFiles.truncate(goodImages(), 40);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> MnistIdx.readImages(new ByteArrayInputStream(encode(truncated, gzip)), "in-memory images"));
        assertMessageContains(e, "in-memory images", "truncated", "expected 84 bytes of pixel data, found 24");
    }

    @Test
    void aPayloadLargerThanTheHeapIsRefusedBeforeItIsRead() {
        int count = 2_700_000;  // 2,116,800,000 pixels: an array Java can hold, 8.5 GB as floats
        long bytes = (long) count * 28 * 28 * 4;
        assumeTrue(bytes > Runtime.getRuntime().maxMemory(), "this JVM's heap could hold it");
        byte[] header = IdxFiles.images(MnistIdx.IMAGES_MAGIC, count, 28, 28, new byte[0]);
        IOException e = assertThrows(IOException.class,
                () -> MnistIdx.readImages(new ByteArrayInputStream(IdxFiles.gzip(header)), "huge images"));
        assertFalse(e instanceof DataFormatException, e.toString());
        assertMessageContains(e, "huge images", "2700000 images of 28 × 28", bytes + " bytes once read", "maximum heap");
    }

    @Test
    void emptyDatasetIsAllowed() throws IOException {
        Dataset data = loadOk(IdxFiles.images(MnistIdx.IMAGES_MAGIC, 0, 28, 28, new byte[0]),
                IdxFiles.labels(MnistIdx.LABELS_MAGIC, 0, new byte[0]));
        assertEquals(0, data.size());
        assertEquals(784, data.featureCount());
    }

    private Dataset loadOk(byte[] images, byte[] labels) throws IOException {
        return MnistIdx.load(IdxFiles.write(dir, "i", images), IdxFiles.write(dir, "l", labels));
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void wrongMagic(boolean gzip) throws IOException {
        byte[] images = IdxFiles.images(0x12345678, COUNT, ROWS, COLS, IdxFiles.pixels(COUNT, ROWS, COLS));
        assertMessageContains(imagesFail("bad-magic", encode(images, gzip)), "bad magic number 0x12345678", "0x00000803");

        // A labels file given where images are expected.
        assertMessageContains(imagesFail("swapped", encode(goodLabels(), gzip)), "0x00000801", "1 dimensions", "expected 3");

        byte[] labels = IdxFiles.labels(0x00000803, COUNT, IdxFiles.labelBytes(COUNT));
        assertMessageContains(labelsFail("labels-magic", encode(labels, gzip)), "0x00000803", "3 dimensions", "expected 1");
    }

    @Test
    void wrongDataType() throws IOException {
        byte[] images = IdxFiles.images(0x00000D03, COUNT, ROWS, COLS, IdxFiles.pixels(COUNT, ROWS, COLS));
        assertMessageContains(imagesFail("float-type", images), "0x00000d03", "data type 0x0d");
    }

    @Test
    void wrongDimensionCount() throws IOException {
        byte[] images = IdxFiles.images(0x00000802, COUNT, ROWS, COLS, IdxFiles.pixels(COUNT, ROWS, COLS));
        assertMessageContains(imagesFail("two-dims", images), "0x00000802", "2 dimensions", "expected 3");
        byte[] labels = IdxFiles.labels(0x00000802, COUNT, IdxFiles.labelBytes(COUNT));
        assertMessageContains(labelsFail("two-dims-labels", labels), "2 dimensions", "expected 1");
    }

    @Test
    void badImageSides() throws IOException {
        byte[] zeroRows = IdxFiles.images(MnistIdx.IMAGES_MAGIC, COUNT, 0, COLS, new byte[0]);
        assertMessageContains(imagesFail("zero-rows", zeroRows), "row count 0");
        byte[] hugeCols = IdxFiles.images(MnistIdx.IMAGES_MAGIC, 1, 1, 1 << 20, new byte[0]);
        assertMessageContains(imagesFail("huge-cols", hugeCols), "column count 1048576");
        byte[] negative = IdxFiles.images(MnistIdx.IMAGES_MAGIC, -5, ROWS, COLS, new byte[0]);
        assertMessageContains(imagesFail("negative", negative), "negative image count -5");
        byte[] negativeLabels = IdxFiles.labels(MnistIdx.LABELS_MAGIC, -1, new byte[0]);
        assertMessageContains(labelsFail("negative-labels", negativeLabels), "negative label count -1");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void countMismatch(boolean gzip) throws IOException {
        byte[] labels = IdxFiles.labels(MnistIdx.LABELS_MAGIC, COUNT - 1, IdxFiles.labelBytes(COUNT - 1));
        DataFormatException e = loadFails(encode(goodImages(), gzip), encode(labels, gzip));
        assertMessageContains(e, "images.idx", "labels.idx", "declares 7 images", "declares 6 labels");
    }

    @ParameterizedTest(name = "raw truncated to {0} bytes")
    @ValueSource(ints = {0, 1, 3, 4, 9, 15})
    void truncatedImagesHeader(int length) throws IOException {
        byte[] data = IdxFiles.truncate(goodImages(), length);
        assertMessageContains(imagesFail("short-raw", data), "truncated header: expected 16 bytes, found " + length);
        assertMessageContains(imagesFail("short.gz", IdxFiles.gzip(data)),
                "truncated header: expected 16 bytes, found " + length);
    }

    @ParameterizedTest(name = "truncated to {0} bytes")
    @ValueSource(ints = {0, 2, 7})
    void truncatedLabelsHeader(int length) throws IOException {
        byte[] data = IdxFiles.truncate(goodLabels(), length);
        assertMessageContains(labelsFail("short-raw", data), "truncated header: expected 8 bytes, found " + length);
        assertMessageContains(labelsFail("short.gz", IdxFiles.gzip(data)),
                "truncated header: expected 8 bytes, found " + length);
    }

    @ParameterizedTest(name = "truncated to {0} bytes")
    @ValueSource(ints = {16, 17, 50, 16 + COUNT * ROWS * COLS - 1})
    void truncatedPixelData(int length) throws IOException {
        byte[] data = IdxFiles.truncate(goodImages(), length);
        String expected = "truncated: expected " + COUNT * ROWS * COLS + " bytes of pixel data, found " + (length - 16);
        assertMessageContains(imagesFail("short-raw", data), expected);
        assertMessageContains(imagesFail("short.gz", IdxFiles.gzip(data)), expected);
    }

    @ParameterizedTest(name = "truncated to {0} bytes")
    @ValueSource(ints = {8, 9, 8 + COUNT - 1})
    void truncatedLabelData(int length) throws IOException {
        byte[] data = IdxFiles.truncate(goodLabels(), length);
        String expected = "truncated: expected " + COUNT + " bytes of label data, found " + (length - 8);
        assertMessageContains(labelsFail("short-raw", data), expected);
        assertMessageContains(labelsFail("short.gz", IdxFiles.gzip(data)), expected);
    }

    @ParameterizedTest(name = "compressed stream cut at {0}")
    @ValueSource(doubles = {0.1, 0.5, 0.9, 0.99})
    void truncatedCompressedStream(double fraction) throws IOException {
        byte[] gz = IdxFiles.gzip(goodImages());
        byte[] cut = IdxFiles.truncate(gz, Math.max(2, (int) (gz.length * fraction)));
        assertMessageContains(imagesFail("cut.gz", cut), "truncated");
    }

    @Test
    void corruptGzipTrailer() throws IOException {
        byte[] gz = IdxFiles.gzip(goodLabels());
        gz[gz.length - 5] ^= 0x55; // CRC-32 of the gzip trailer
        assertMessageContains(labelsFail("crc.gz", gz), "gzip");
    }

    @ParameterizedTest(name = "trailer byte {0} flipped")
    @ValueSource(ints = {1, 8})
    void corruptGzipTrailerSizeOrCrc(int fromEnd) throws IOException {
        byte[] gz = IdxFiles.gzip(goodImages());
        gz[gz.length - fromEnd] ^= 0x01;
        assertMessageContains(imagesFail("trailer.gz", gz), "corrupt gzip stream", fromEnd == 1 ? "size" : "CRC-32");
    }

    @ParameterizedTest(name = "{0} bytes of the trailer kept")
    @ValueSource(ints = {0, 3, 7})
    void truncatedGzipTrailer(int kept) throws IOException {
        byte[] gz = IdxFiles.gzip(goodLabels());
        assertMessageContains(labelsFail("cut-trailer.gz", IdxFiles.truncate(gz, gz.length - 8 + kept)),
                "truncated gzip trailer after the " + COUNT + " bytes of label data");
    }

    @Test
    void junkAfterTheGzipStreamIsRefused() throws IOException {
        byte[] images = IdxFiles.gzip(goodImages());
        assertMessageContains(imagesFail("junk-images.gz", IdxFiles.concat(images, IdxFiles.junk(100))),
                "100 bytes after the end of the gzip stream (from offset " + images.length + ") are not gzip data");
        byte[] labels = IdxFiles.gzip(goodLabels());
        assertMessageContains(labelsFail("junk-labels.gz", IdxFiles.concat(labels, new byte[100])),
                "100 bytes after the end of the gzip stream (from offset " + labels.length + ") are not gzip data");
    }

    @Test
    void concatenatedGzipMembersReadAsOneFile() throws IOException {
        byte[] images = goodImages();
        byte[] twoMembers = IdxFiles.concat(IdxFiles.gzip(Arrays.copyOf(images, 20)),
                IdxFiles.gzip(Arrays.copyOfRange(images, 20, images.length)));
        MnistIdx.Images raw = MnistIdx.readImages(IdxFiles.write(dir, "raw", images));
        MnistIdx.Images joined = MnistIdx.readImages(IdxFiles.write(dir, "two-members.gz", twoMembers));
        assertEquals(COUNT, joined.count());
        assertArrayEquals(raw.pixels(), joined.pixels(), 0f);
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void trailingData(boolean gzip) throws IOException {
        byte[] labels = IdxFiles.labels(MnistIdx.LABELS_MAGIC, COUNT - 2, IdxFiles.labelBytes(COUNT));
        assertMessageContains(labelsFail("trailing", encode(labels, gzip)), "trailing data");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void labelOutOfRange(boolean gzip) throws IOException {
        byte[] bytes = IdxFiles.labelBytes(COUNT);
        bytes[4] = 10;
        byte[] labels = IdxFiles.labels(MnistIdx.LABELS_MAGIC, COUNT, bytes);
        assertMessageContains(labelsFail("bad-label", encode(labels, gzip)), "label 10 at index 4", "0..9");
        bytes[4] = (byte) 255;
        labels = IdxFiles.labels(MnistIdx.LABELS_MAGIC, COUNT, bytes);
        assertMessageContains(labelsFail("bad-label2", encode(labels, gzip)), "label 255 at index 4");
    }

    /** A header declaring an enormous payload in a tiny file must fail before allocating it. */
    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void hugeDeclaredCountFailsFast(boolean gzip) throws IOException {
        byte[] padding = new byte[100 - 16];
        long before = allocatedBytes();

        // 2^31-1 images of 28 × 28: beyond any array.
        byte[] huge = IdxFiles.images(MnistIdx.IMAGES_MAGIC, Integer.MAX_VALUE, 28, 28, padding);
        assertMessageContains(imagesFail("huge", encode(huge, gzip)), "2147483647 images", "more than a Java array");

        // 2^30 images of 1 × 1 fit in an array, but not in a 100-byte file.
        byte[] large = IdxFiles.images(MnistIdx.IMAGES_MAGIC, 1 << 30, 1, 1, padding);
        DataFormatException e = imagesFail("large", encode(large, gzip));
        assertMessageContains(e, String.valueOf(1L << 30));

        byte[] labels = IdxFiles.labels(MnistIdx.LABELS_MAGIC, Integer.MAX_VALUE, new byte[100 - 8]);
        assertMessageContains(labelsFail("huge-labels", encode(labels, gzip)), String.valueOf(Integer.MAX_VALUE));

        long allocated = allocatedBytes() - before;
        assertTrue(allocated < 64L << 20, "allocated " + allocated + " bytes");
    }

    /** Through a stream of unknown size, a lying header costs at most a bounded initial buffer. */
    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void hugeDeclaredCountInStreamAllocatesProgressively(boolean gzip) throws IOException {
        byte[] large = IdxFiles.images(MnistIdx.IMAGES_MAGIC, 1 << 30, 1, 1, new byte[84]);
        long before = allocatedBytes();
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> MnistIdx.readImages(new ByteArrayInputStream(encode(large, gzip)), "stream"));
        long allocated = allocatedBytes() - before;
        assertMessageContains(e, "stream", "truncated: expected 1073741824 bytes of pixel data, found 84");
        assertTrue(allocated < 64L << 20, "allocated " + allocated + " bytes");
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
