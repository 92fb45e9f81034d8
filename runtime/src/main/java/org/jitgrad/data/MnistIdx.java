package org.jitgrad.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.ZipException;

/**
 * Reader for the IDX files of the original MNIST distribution ({@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte} and their {@code t10k} counterparts), gzip-compressed or raw.
 * Compression is detected from the gzip magic number 0x1f8b, not from the file name.
 *
 * <p>The headers are untrusted: every count is validated before anything is allocated. For a raw
 * file the declared payload must match the file size exactly. For a gzip file, whose decompressed
 * size is unknown up front, the declared payload must not exceed the compressed size times the
 * maximum DEFLATE ratio, and the arrays are grown progressively as data actually arrives, so a
 * lying header fails with a "truncated" error after allocating at most about twice the data that
 * was really present.
 *
 * <p>All format problems are reported as {@link DataFormatException} with a message naming the
 * file and the value at fault.
 */
public final class MnistIdx {

    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** Number of MNIST classes; labels must be in {@code 0..CLASS_COUNT-1}. */
    public static final int CLASS_COUNT = 10;
    /** Largest accepted image height or width. */
    public static final int MAX_SIDE = 4096;

    private static final int UNSIGNED_BYTE_TYPE = 0x08;
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    private static final int INITIAL_CAPACITY = 1 << 20;
    private static final int CHUNK = 1 << 16;

    private MnistIdx() {
    }

    /**
     * Decoded images.
     *
     * @param count number of images
     * @param rows height of each image
     * @param columns width of each image
     * @param pixels row-major {@code count × rows × columns} pixels scaled to [0, 1]
     */
    public record Images(int count, int rows, int columns, float[] pixels) {
        /**
         * Checks that the pixel array holds {@code count × rows × columns} values.
         *
         * @param count number of images
         * @param rows height of each image
         * @param columns width of each image
         * @param pixels the pixels
         */
        public Images {
            Objects.requireNonNull(pixels, "pixels");
            if (count < 0 || rows < 1 || columns < 1 || (long) count * rows * columns != pixels.length) {
                throw new IllegalArgumentException("pixels.length " + pixels.length + " does not match "
                        + count + " × " + rows + " × " + columns);
            }
        }

        /** Pixels per image, {@code rows × columns}. */
        public int pixelsPerImage() {
            return rows * columns;
        }
    }

    /**
     * Loads an MNIST dataset: one example per image, {@code rows × columns} features scaled to
     * [0, 1], labels 0..9, {@code classCount() == 10}.
     *
     * @param images the images file (IDX, magic 0x00000803), gzip-compressed or raw
     * @param labels the labels file (IDX, magic 0x00000801), gzip-compressed or raw
     * @return the dataset
     * @throws DataFormatException if either file is malformed or their counts differ (checked
     *     before the pixel data is read)
     * @throws IOException if a file cannot be read
     */
    public static Dataset load(Path images, Path labels) throws IOException {
        int[] labelArray = readLabels(labels);
        Images imageData;
        try (Input input = Input.open(images)) {
            imageData = readImages(input, labelArray.length, labels.toString());
        }
        return Dataset.wrap(imageData.pixels(), labelArray, imageData.pixelsPerImage(), CLASS_COUNT);
    }

    /**
     * Reads an images file.
     *
     * @param file the images file (IDX, magic 0x00000803), gzip-compressed or raw
     * @return the images, pixels scaled to [0, 1]
     * @throws DataFormatException if the file is malformed
     * @throws IOException if the file cannot be read
     */
    public static Images readImages(Path file) throws IOException {
        try (Input input = Input.open(file)) {
            return readImages(input, -1, null);
        }
    }

    /**
     * Reads images from a stream of unknown length (gzip detected by magic number). Without a
     * file size the header count is bounded only by the maximum array length; memory is still
     * allocated progressively as data arrives. The stream is not closed.
     *
     * @param in the stream
     * @param sourceName name used in error messages
     * @return the images, pixels scaled to [0, 1]
     * @throws DataFormatException if the data is malformed
     * @throws IOException if the stream cannot be read
     */
    public static Images readImages(InputStream in, String sourceName) throws IOException {
        return readImages(Input.of(in, sourceName), -1, null);
    }

    /**
     * Reads a labels file.
     *
     * @param file the labels file (IDX, magic 0x00000801), gzip-compressed or raw
     * @return the labels, each in 0..9
     * @throws DataFormatException if the file is malformed or a label is out of range
     * @throws IOException if the file cannot be read
     */
    public static int[] readLabels(Path file) throws IOException {
        try (Input input = Input.open(file)) {
            return readLabels(input);
        }
    }

    /**
     * Reads labels from a stream of unknown length (gzip detected by magic number). The stream is
     * not closed.
     *
     * @param in the stream
     * @param sourceName name used in error messages
     * @return the labels, each in 0..9
     * @throws DataFormatException if the data is malformed or a label is out of range
     * @throws IOException if the stream cannot be read
     */
    public static int[] readLabels(InputStream in, String sourceName) throws IOException {
        return readLabels(Input.of(in, sourceName));
    }

    // ---------------------------------------------------------------------------------------

    private static Images readImages(Input input, int expectedCount, String labelsName) throws IOException {
        checkMagic(input, readInt(input, 0, 16), IMAGES_MAGIC, "images");
        int count = readInt(input, 4, 16);
        int rows = readInt(input, 8, 16);
        int columns = readInt(input, 12, 16);
        if (count < 0) {
            throw new DataFormatException(input.name + ": negative image count " + count);
        }
        checkSide(input, "row count", rows);
        checkSide(input, "column count", columns);
        if (expectedCount >= 0 && count != expectedCount) {
            throw new DataFormatException(input.name + " declares " + count + " images but " + labelsName
                    + " declares " + expectedCount + " labels");
        }
        long total = (long) count * rows * columns;
        if (total > MAX_ARRAY_LENGTH) {
            throw new DataFormatException(input.name + ": header declares " + count + " images of " + rows + " × "
                    + columns + " = " + total + " pixels, more than a Java array can hold");
        }
        input.checkPayload(16, total, "pixel data");
        checkFitsInHeap(input, total, count + " images of " + rows + " × " + columns);

        float[][] holder = {new float[input.initialCapacity(total)]};
        readPayload(input, total, "pixel data", (buffer, length, offset) -> {
            float[] pixels = holder[0] = ensureCapacity(holder[0], offset + length, total);
            int at = (int) offset;
            for (int i = 0; i < length; i++) {
                pixels[at + i] = (buffer[i] & 0xFF) / 255f;
            }
        });
        return new Images(count, rows, columns, holder[0]);
    }

    /**
     * Refuses a declared payload whose four-byte values ({@code float} pixels, {@code int} labels) could not fit in this
     * JVM's largest heap, before reading it: such a file (a real dataset too big for {@code -Xmx}, or a small gzip
     * that inflates to gigabytes of zeros) would otherwise run the JVM out of memory as its data arrives.
     */
    private static void checkFitsInHeap(Input input, long values, String declared) throws IOException {
        long bytes = values * 4;
        long heap = Runtime.getRuntime().maxMemory();
        if (heap != Long.MAX_VALUE && bytes > heap) {
            throw new IOException(input.name + ": the header declares " + declared + ", " + bytes + " bytes once read, more "
                    + "than this JVM's maximum heap of " + heap + " bytes (raise -Xmx to load it)");
        }
    }

    private static int[] readLabels(Input input) throws IOException {
        checkMagic(input, readInt(input, 0, 8), LABELS_MAGIC, "labels");
        int count = readInt(input, 4, 8);
        if (count < 0) {
            throw new DataFormatException(input.name + ": negative label count " + count);
        }
        input.checkPayload(8, count, "label data");
        checkFitsInHeap(input, count, count + " labels");

        int[][] holder = {new int[input.initialCapacity(count)]};
        readPayload(input, count, "label data", (buffer, length, offset) -> {
            int[] labels = holder[0] = ensureCapacity(holder[0], offset + length, count);
            for (int i = 0; i < length; i++) {
                int label = buffer[i] & 0xFF;
                if (label >= CLASS_COUNT) {
                    throw new DataFormatException(input.name + ": label " + label + " at index " + (offset + i)
                            + " is out of range 0.." + (CLASS_COUNT - 1));
                }
                labels[(int) offset + i] = label;
            }
        });
        return holder[0];
    }

    private static void checkMagic(Input input, int magic, int expected, String kind) throws DataFormatException {
        if (magic == expected) {
            return;
        }
        String found = String.format("0x%08x", magic);
        String wanted = String.format("0x%08x", expected);
        if ((magic >>> 16) != 0) {
            throw new DataFormatException(input.name + ": bad magic number " + found + ", expected " + wanted
                    + " (IDX " + kind + " file)");
        }
        int type = (magic >>> 8) & 0xFF;
        if (type != UNSIGNED_BYTE_TYPE) {
            throw new DataFormatException(input.name + ": magic number " + found + " declares IDX data type "
                    + String.format("0x%02x", type) + ", expected 0x08 (unsigned byte); expected magic " + wanted);
        }
        throw new DataFormatException(input.name + ": magic number " + found + " declares " + (magic & 0xFF)
                + " dimensions, expected " + (expected & 0xFF) + " for an IDX " + kind + " file (magic " + wanted + ")");
    }

    private static void checkSide(Input input, String what, int value) throws DataFormatException {
        if (value < 1 || value > MAX_SIDE) {
            throw new DataFormatException(input.name + ": " + what + " " + value + " is out of range 1.." + MAX_SIDE);
        }
    }

    private static float[] ensureCapacity(float[] array, long needed, long max) {
        return needed <= array.length ? array : Arrays.copyOf(array, grownLength(array.length, needed, max));
    }

    private static int[] ensureCapacity(int[] array, long needed, long max) {
        return needed <= array.length ? array : Arrays.copyOf(array, grownLength(array.length, needed, max));
    }

    private static int grownLength(int current, long needed, long max) {
        return (int) Math.min(max, Math.max(needed, 2L * current));
    }

    /** Receives consecutive chunks of the payload. */
    @FunctionalInterface
    private interface ChunkConsumer {
        void accept(byte[] buffer, int length, long offset) throws DataFormatException;
    }

    /** Reads exactly {@code expected} payload bytes, then checks that nothing follows. */
    private static void readPayload(Input input, long expected, String what, ChunkConsumer consumer)
            throws IOException {
        byte[] buffer = new byte[CHUNK];
        long done = 0;
        try {
            while (done < expected) {
                int read = input.in.read(buffer, 0, (int) Math.min(buffer.length, expected - done));
                if (read < 0) {
                    throw truncated(input, expected, done, what, null);
                }
                consumer.accept(buffer, read, done);
                done += read;
            }
            if (input.in.read() >= 0) {
                throw new DataFormatException(input.name + ": unexpected trailing data after the " + expected
                        + " bytes of " + what + " declared by the header");
            }
        } catch (EOFException e) {
            if (done == expected) {
                throw new DataFormatException(input.name + ": truncated gzip trailer after the " + expected
                        + " bytes of " + what + " (" + Gzip.reason(e) + ")", e);
            }
            throw truncated(input, expected, done, what, e);
        } catch (ZipException e) {
            throw new DataFormatException(input.name + ": corrupt gzip stream after " + done + " of " + expected
                    + " bytes of " + what + " (" + Gzip.reason(e) + ")", e);
        }
    }

    private static DataFormatException truncated(Input input, long expected, long found, String what, Exception cause) {
        String detail = cause == null ? "" : " (gzip stream: " + Gzip.reason(cause) + ")";
        return new DataFormatException(input.name + ": truncated: expected " + expected + " bytes of " + what
                + ", found " + found + detail, cause);
    }

    /** Reads the big-endian int at header position {@code position} of a {@code headerLength}-byte header. */
    private static int readInt(Input input, int position, int headerLength) throws IOException {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int b;
            try {
                b = input.in.read();
            } catch (EOFException e) {
                throw truncatedHeader(input, headerLength, position + i, e);
            } catch (ZipException e) {
                throw new DataFormatException(input.name + ": corrupt gzip stream in the " + headerLength
                        + "-byte header (" + Gzip.reason(e) + ")", e);
            }
            if (b < 0) {
                throw truncatedHeader(input, headerLength, position + i, null);
            }
            value = (value << 8) | b;
        }
        return value;
    }

    private static DataFormatException truncatedHeader(Input input, int expected, int found, Exception cause) {
        String detail = cause == null ? "" : " (gzip stream: " + Gzip.reason(cause) + ")";
        return new DataFormatException(input.name + ": truncated header: expected " + expected + " bytes, found "
                + found + detail, cause);
    }

    /** A decoded input with what is known about its size. */
    private static final class Input implements AutoCloseable {
        final String name;
        final InputStream in;
        /** Size of the underlying file in bytes, or -1 if unknown (a stream). */
        final long fileSize;
        final boolean compressed;

        private Input(String name, InputStream in, long fileSize, boolean compressed) {
            this.name = name;
            this.in = in;
            this.fileSize = fileSize;
            this.compressed = compressed;
        }

        static Input open(Path file) throws IOException {
            long size = Files.size(file);
            BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), CHUNK);
            try {
                boolean gzip = Gzip.startsWithMagic(raw);
                InputStream in = gzip ? Gzip.inflate(raw, file.toString()) : raw;
                return new Input(file.toString(), in, size, gzip);
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        }

        static Input of(InputStream stream, String name) throws IOException {
            Objects.requireNonNull(stream, "stream");
            BufferedInputStream raw = stream instanceof BufferedInputStream b ? b : new BufferedInputStream(stream, CHUNK);
            boolean gzip = Gzip.startsWithMagic(raw);
            return new Input(name, gzip ? Gzip.inflate(raw, name) : raw, -1, gzip);
        }

        /** Checks a header-declared payload length against what the file can hold, before allocating. */
        void checkPayload(int headerLength, long declared, String what) throws DataFormatException {
            if (fileSize < 0) {
                return;
            }
            if (!compressed) {
                long available = fileSize - headerLength;
                if (declared > available) {
                    throw new DataFormatException(name + ": truncated: expected " + declared + " bytes of " + what
                            + ", found " + available);
                }
                if (declared < available) {
                    throw new DataFormatException(name + ": unexpected trailing data: header declares " + declared
                            + " bytes of " + what + " but the file holds " + available);
                }
            } else {
                long limit = fileSize * Gzip.MAX_RATIO;
                if (declared + headerLength > limit) {
                    throw new DataFormatException(name + ": header declares " + declared + " bytes of " + what
                            + " but a gzip file of " + fileSize + " bytes cannot hold more than " + limit
                            + " bytes (truncated or corrupt file)");
                }
            }
        }

        /** Capacity to allocate up front: everything if the size was verified, else a bounded start. */
        int initialCapacity(long declared) {
            return (int) (fileSize >= 0 && !compressed ? declared : Math.min(declared, INITIAL_CAPACITY));
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
