package org.jitgrad.app.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void plainLinesAtEveryTenth() {
        StringWriter s = new StringWriter();
        Progress p = new Progress(new PrintWriter(s), ProgressMode.PLAIN);
        p.startEpoch(2, 3, 938);
        for (int i = 1; i <= 938; i++) p.update(i, 0.5f);
        p.endEpoch();
        String[] lines = s.toString().split("\n");
        assertEquals(10, lines.length);
        assertTrue(lines[0].startsWith("epoch 2/3  94/938 steps "), lines[0]);
        assertTrue(lines[9].contains("938/938 steps") && lines[9].contains("loss 0.5000") && lines[9].endsWith("ETA 0:00"), lines[9]);
    }

    @Test
    void barRedrawsInPlaceAndEndsTheLine() {
        StringWriter s = new StringWriter();
        Progress p = new Progress(new PrintWriter(s), ProgressMode.BAR);
        p.startEpoch(1, 1, 4);
        for (int i = 1; i <= 4; i++) p.update(i, 1f);
        p.endEpoch();
        String out = s.toString();
        assertTrue(out.startsWith("\repoch 1/1 ["), out);
        assertTrue(out.contains("[============================] 4/4 steps"), out);
        assertTrue(out.endsWith(System.lineSeparator()), out);
    }

    @Test
    void clock() {
        assertEquals("0:05", Progress.clock(4.6));
        assertEquals("2:03", Progress.clock(123));
        assertEquals("1:01:01", Progress.clock(3661));
    }
}
