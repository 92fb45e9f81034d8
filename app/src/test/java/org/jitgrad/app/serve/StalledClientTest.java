package org.jitgrad.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Clients that stall mid-request must not hold the request threads for good. Runs {@code ./jitgrad serve} in a JVM of
 * its own: the JDK reads its HTTP server's time limits once per JVM.
 */
class StalledClientTest {
    @Test
    void stalledRequestsAreCutOffAndHealthIsAnsweredAgain() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "org.jitgrad.app.Main", "serve", "--port", "0", "--no-warmup", "--inputs", "4", "--classes", "3", "--hidden", "8",
                "--http-threads", "1", "--request-timeout", "1")
                .redirectErrorStream(true).start();
        List<Socket> stalled = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            URI uri = null;
            StringBuilder seen = new StringBuilder();
            for (String line; uri == null && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = Pattern.compile("listening on (http://\\S+)").matcher(line);
                if (m.find()) uri = URI.create(m.group(1));
            }
            assertTrue(uri != null, seen.toString());
            // The one handler thread: one client stops inside the request line, one after the headers of a body.
            for (String start : List.of("P", "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0.1,")) {
                Socket s = new Socket(uri.getHost(), uri.getPort());
                OutputStream o = s.getOutputStream();
                o.write(start.getBytes(StandardCharsets.US_ASCII));
                o.flush();
                s.setSoTimeout(60_000);
                stalled.add(s);
            }
            // Without a limit this waits for good (the client's timeout is far beyond the server's 1 s).
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(uri.resolve("/health")).timeout(Duration.ofSeconds(60))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            for (Socket s : stalled) assertTrue(closedByServer(s), "the stalled connection was closed");
        } finally {
            for (Socket s : stalled) s.close();
            p.destroy();
            p.waitFor();
        }
    }

    /** End of stream, or a reset: the server closed it with our unread bytes in its buffer. */
    private static boolean closedByServer(Socket s) throws Exception {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketException e) {
            return true;
        }
    }
}
