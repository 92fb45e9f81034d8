package org.jitgrad.app.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.jitgrad.app.model.InputNorm;
import org.junit.jupiter.api.Test;

class CsvRowsTest {
    static float parse(String s) throws CsvRows.BadInput {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return CsvRows.number(b, 0, b.length, 1, 1);
    }

    @Test
    void numbersParseExactlyAsFloatParseFloat() throws Exception {
        Random r = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            String s = switch (i % 5) {
                case 0 -> Float.toString(r.nextInt(256) / 255f);
                case 1 -> Float.toString((float) r.nextGaussian());
                case 2 -> String.format("%.7f", r.nextDouble());
                case 3 -> Integer.toString(r.nextInt(20_000_000) - 10_000_000);
                default -> Float.toString(Float.intBitsToFloat(r.nextInt()) % 1e6f);
            };
            if (s.contains("NaN") || s.contains("Inf")) continue;
            assertEquals(Float.floatToIntBits(Float.parseFloat(s)), Float.floatToIntBits(parse(s)), s);
        }
        assertEquals(0.5f, parse("  .5 "));
        assertEquals(5f, parse("5."));
        assertEquals(-0.001f, parse("-1e-3"));
        assertEquals(3f, parse("+3"));
        assertThrows(CsvRows.BadInput.class, () -> parse("."));
        assertThrows(CsvRows.BadInput.class, () -> parse("-"));
        assertThrows(CsvRows.BadInput.class, () -> parse("1f"));
        assertThrows(CsvRows.BadInput.class, () -> parse("1..2"));
        assertThrows(CsvRows.BadInput.class, () -> parse("1e"));
    }

    @Test
    void longDecimalsAndLiteralsNearHalfwayBetweenFloatsParseExactly() throws Exception {
        Random r = new Random(2);
        for (int i = 0; i < 200_000; i++) {
            int digits = 8 + r.nextInt(8);
            String s = new java.math.BigDecimal(r.nextDouble() * Math.pow(10, r.nextInt(12) - 6))
                    .round(new java.math.MathContext(digits)).toPlainString();
            assertEquals(Float.floatToIntBits(Float.parseFloat(s)), Float.floatToIntBits(parse(s)), s);
        }
        // The decimal point halfway between two neighbouring floats, and the same nudged by one unit
        // in the 15th digit: rounding through a double is where double rounding could go wrong.
        for (int i = 0; i < 20_000; i++) {
            float f = r.nextInt(1 << 20) / 1024f + r.nextFloat();
            java.math.BigDecimal mid = new java.math.BigDecimal(f).add(new java.math.BigDecimal(Math.nextUp(f)))
                    .divide(java.math.BigDecimal.valueOf(2));
            for (java.math.RoundingMode mode : new java.math.RoundingMode[] {java.math.RoundingMode.DOWN, java.math.RoundingMode.UP}) {
                String s = mid.round(new java.math.MathContext(15, mode)).toPlainString();
                assertEquals(Float.floatToIntBits(Float.parseFloat(s)), Float.floatToIntBits(parse(s)), s);
            }
            String exact = mid.toPlainString();
            assertEquals(Float.floatToIntBits(Float.parseFloat(exact)), Float.floatToIntBits(parse(exact)), exact);
        }
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(parse("-0.000000000000")));
        assertEquals(1e-22f, parse("0.0000000000000000000001"));
    }

    @Test
    void rowsAreStandardizedAndCrlfAndBlankLinesAreFine() throws Exception {
        byte[] b = "2,0.5,1\r\n\r\n0, 0 ,0.25\n".getBytes(StandardCharsets.US_ASCII);
        CsvRows.Rows rows = CsvRows.parseTraining(b, b.length, 2, 3, new InputNorm(0.5f, 0.5f));
        assertEquals(2, rows.rows());
        assertArrayEquals(new float[] {2, 0}, rows.labels());
        assertArrayEquals(new float[] {0, 1, -1, -0.5f}, rows.features());
        CsvRows.BadInput e = assertThrows(CsvRows.BadInput.class, () -> {
            byte[] c = "1,2\n\n1,x\n".getBytes(StandardCharsets.US_ASCII);
            CsvRows.parseFeatures(c, c.length, 2, InputNorm.IDENTITY);
        });
        assertEquals("line 3, value 2: 'x' is not a number", e.getMessage());
    }

    @Test
    void aLeadingUtf8ByteOrderMarkIsSkipped() throws Exception {
        byte[] b = "\uFEFF2,0.5,1\n".getBytes(StandardCharsets.UTF_8);
        CsvRows.Rows rows = CsvRows.parseTraining(b, b.length, 2, 3, InputNorm.IDENTITY);
        assertArrayEquals(new float[] {2}, rows.labels());
        assertArrayEquals(new float[] {0.5f, 1}, rows.features());
        byte[] inside = "1,2\n\uFEFF1,2\n".getBytes(StandardCharsets.UTF_8);
        assertThrows(CsvRows.BadInput.class, () -> CsvRows.parseFeatures(inside, inside.length, 2, InputNorm.IDENTITY),
                "only at the start of the body");
    }

    @Test
    void aValueThatOverflowsOnceStandardizedIsRefused() throws Exception {
        InputNorm mnist = new InputNorm(0.1307f, 0.3081f);
        byte[] ok = "1e38,0\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(1, CsvRows.parseFeatures(ok, ok.length, 2, mnist).rows(), "1e38 / 0.3081 still fits a float");
        byte[] b = "0,1\n0,-3e38\n".getBytes(StandardCharsets.US_ASCII);
        CsvRows.BadInput e = assertThrows(CsvRows.BadInput.class, () -> CsvRows.parseFeatures(b, b.length, 2, mnist));
        assertEquals("line 2, value 2: -3e38 is too large (standardized as (x - 0.1307) / 0.3081 it is not a finite float)", e.getMessage());
        byte[] t = "1,0,3e38\n".getBytes(StandardCharsets.US_ASCII);
        e = assertThrows(CsvRows.BadInput.class, () -> CsvRows.parseTraining(t, t.length, 2, 3, mnist));
        assertEquals("line 1, value 3: 3e38 is too large (standardized as (x - 0.1307) / 0.3081 it is not a finite float)", e.getMessage());
    }
}
