package org.jitgrad.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.jitgrad.app.Main;
import org.junit.jupiter.api.Test;

/** The serve command's options, in-process (the server itself is covered by TrainingServerTest). */
class ServeCommandTest {
    static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void helpListsTheEndpointsAndOptions() {
        String[] r = run("serve", "--help");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("POST /train") && r[1].contains("--queue-capacity") && r[1].contains("--save-every"), r[1]);
    }

    @Test
    void badOptionsFailBeforeListening() {
        String[] r = run("serve", "--port", "0", "--save-every", "5");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--save-every needs --save FILE"), r[2]);
        r = run("serve", "--port", "0", "--queue-capacity", "0");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--queue-capacity must be >= 1"), r[2]);
    }
}
