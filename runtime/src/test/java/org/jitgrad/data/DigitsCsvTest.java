package org.jitgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigitsCsvTest {

    static final String RESOURCE = "/data/digits.csv.gz";

    /** Per-class counts, from {@code zcat digits.csv.gz | awk -F, '{print $65}' | sort | uniq -c}. */
    static final int[] CLASS_COUNTS = {178, 182, 177, 183, 181, 182, 181, 179, 174, 180};

    @TempDir
    Path dir;

    static Dataset loadBundled() throws IOException {
        try (InputStream in = DigitsCsvTest.class.getResourceAsStream(RESOURCE)) {
            return DigitsCsv.read(in, RESOURCE);
        }
    }

    @Test
    void bundledFileLoads() throws IOException {
        Dataset digits = loadBundled();
        assertEquals(1797, digits.size());
        assertEquals(64, digits.featureCount());
        assertEquals(10, digits.classCount());
        assertEquals(1797 * 64, digits.features().length);
        assertArrayEquals(CLASS_COUNTS, digits.classCounts());
        for (float f : digits.features()) {
            assertTrue(f >= 0f && f <= 1f, "feature " + f);
        }
        // First line: 0,0,5,13,9,1,0,0,... label 0; last line ends with ...,14,12,1,0,8.
        assertEquals(0, digits.label(0));
        assertEquals(5f / 16, digits.feature(0, 2), 0f);
        assertEquals(13f / 16, digits.feature(0, 3), 0f);
        assertEquals(8, digits.label(1796));
        assertEquals(12f / 16, digits.feature(1796, 61), 0f);
        assertEquals(1f / 16, digits.feature(1796, 62), 0f);
    }

    @Test
    void plainAndGzipGiveTheSameData() throws IOException {
        byte[] plain;
        try (InputStream in = new GZIPInputStream(DigitsCsvTest.class.getResourceAsStream(RESOURCE))) {
            plain = in.readAllBytes();
        }
        Path file = Files.write(dir.resolve("digits.csv"), plain);
        Dataset fromPlain = DigitsCsv.load(file);
        Dataset fromGzip = loadBundled();
        assertArrayEquals(fromGzip.features(), fromPlain.features());
        assertArrayEquals(fromGzip.labels(), fromPlain.labels());
    }

    private static String row(int pixel, int label) {
        String[] fields = new String[65];
        Arrays.fill(fields, 0, 64, String.valueOf(pixel));
        fields[64] = String.valueOf(label);
        return String.join(",", fields);
    }

    private static Dataset parse(String text) throws IOException {
        return DigitsCsv.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), "test.csv");
    }

    private static void assertFails(String text, String... parts) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> parse(text));
        assertTrue(e.getMessage().contains("test.csv"), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    @Test
    void smallInputParses() throws IOException {
        Dataset d = parse(row(16, 3) + "\r\n\n " + row(8, 9).replace(",", " , ") + "\n");
        assertEquals(2, d.size());
        assertEquals(3, d.label(0));
        assertEquals(9, d.label(1));
        assertEquals(1f, d.feature(0, 63), 0f);
        assertEquals(0.5f, d.feature(1, 0), 0f);
    }

    @Test
    void wrongColumnCount() {
        String tooFew = row(1, 2).substring(2); // drops the first field
        assertFails(row(1, 2) + "\n" + tooFew + "\n", "line 2", "expected 65", "found 64");
        assertFails(row(1, 2) + ",5\n", "line 1", "expected 65", "found 66");
        assertFails("1,2,3\n", "line 1", "found 3");
    }

    @Test
    void notANumber() {
        assertFails(row(1, 2).replaceFirst("1", "x"), "line 1, column 1", "not an integer: 'x'");
        assertFails(row(1, 2) + "\n" + row(1, 2).replaceFirst("1,1,1", "1,,1"), "line 2, column 2", "not an integer: ''");
        assertFails(row(1, 2).replaceFirst(",2$", ",2.5"), "column 65", "'2.5'");
    }

    @Test
    void valuesOutOfRange() {
        assertFails(row(17, 2), "line 1, column 1", "pixel value 17", "0..16");
        assertFails(row(0, 0) + "\n" + row(-1, 2), "line 2, column 1", "pixel value -1");
        assertFails(row(3, 10), "line 1, column 65", "label 10", "0..9");
        assertFails(row(3, -1), "label -1");
    }

    @Test
    void emptyInput() {
        assertFails("", "no examples");
        assertFails("\n  \n", "no examples");
    }

    @Test
    void aGzipBombIsRefusedAtTheBound() throws IOException {
        // 64 KiB that inflate to one byte more than the bound (a blank line, so only the bound can refuse it). Before
        // the bound, readLine took it whole, and a bigger bomb of this kind ran the heap out.
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            byte[] spaces = new byte[1 << 20];
            Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < DigitsCsv.MAX_BYTES / spaces.length; i++) out.write(spaces);
            out.write(' ');
        }
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DigitsCsv.read(new ByteArrayInputStream(gz.toByteArray()), "bomb.csv.gz"));
        assertTrue(e.getMessage().startsWith("bomb.csv.gz: more than " + DigitsCsv.MAX_BYTES + " bytes of CSV text"), e.getMessage());
    }

    private static byte[] bundledGzip() throws IOException {
        try (InputStream in = DigitsCsvTest.class.getResourceAsStream(RESOURCE)) {
            return in.readAllBytes();
        }
    }

    @Test
    void junkAfterTheGzipStreamIsRefused() throws IOException {
        byte[] gz = bundledGzip();
        Path file = Files.write(dir.resolve("junk.csv.gz"), IdxFiles.concat(gz, IdxFiles.junk(100)));
        DataFormatException e = assertThrows(DataFormatException.class, () -> DigitsCsv.load(file));
        assertEquals(file + ": 100 bytes after the end of the gzip stream (from offset " + gz.length
                + ") are not gzip data", e.getMessage());
    }

    @Test
    void concatenatedGzipMembersReadAsOneFile() throws IOException {
        byte[] plain;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bundledGzip()))) {
            plain = in.readAllBytes();
        }
        int middle = plain.length / 2; // inside a line: members join as bytes, not as lines
        byte[] twoMembers = IdxFiles.concat(IdxFiles.gzip(Arrays.copyOf(plain, middle)),
                IdxFiles.gzip(Arrays.copyOfRange(plain, middle, plain.length)));
        Dataset joined = DigitsCsv.read(new ByteArrayInputStream(twoMembers), "two.csv.gz");
        Dataset bundled = loadBundled();
        assertArrayEquals(bundled.features(), joined.features());
        assertArrayEquals(bundled.labels(), joined.labels());
    }

    @Test
    void truncatedGzipTrailer() throws IOException {
        byte[] gz = bundledGzip();
        byte[] cut = Arrays.copyOf(gz, gz.length - 5);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DigitsCsv.read(new ByteArrayInputStream(cut), "cut.csv.gz"));
        assertTrue(e.getMessage().startsWith("cut.csv.gz: truncated or corrupt gzip stream after line 1797"), e.getMessage());
    }

    @Test
    void truncatedGzip() throws IOException {
        byte[] gz;
        try (InputStream in = DigitsCsvTest.class.getResourceAsStream(RESOURCE)) {
            gz = in.readAllBytes();
        }
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> DigitsCsv.read(new ByteArrayInputStream(cut), "cut.csv.gz"));
        assertTrue(e.getMessage().contains("cut.csv.gz") && e.getMessage().contains("truncated"), e.getMessage());
    }
}
