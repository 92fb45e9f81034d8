package org.jitgrad.app.serve;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * One keep-alive HTTP/1.1 connection used from one thread: write a POST or a GET, read the status and the
 * body (Content-Length framed, which is what the server sends). The load generator's prediction
 * clients use it instead of {@code java.net.http.HttpClient}, whose selector and executor threads
 * add several thread hand-offs to every call: on a 2-core machine busy with training, each
 * hand-off waits for a core, and the client measured its own scheduling more than the server.
 */
final class BlockingHttpClient implements AutoCloseable {
    /** A response: its status code and body. */
    record Reply(int status, byte[] body) {}

    private final String host;
    private final int port;
    private final IntConsumer onConnect;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    BlockingHttpClient(URI base) {
        this(base, localPort -> { });
    }

    /** @param onConnect told the local port of each connection it opens, before its first request */
    BlockingHttpClient(URI base, IntConsumer onConnect) {
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
        this.onConnect = onConnect;
    }

    /** POSTs {@code body} to {@code path}, reconnecting once if the kept-alive connection was closed. */
    Reply post(String path, byte[] body) throws IOException {
        return send("POST", path, body);
    }

    /** GETs {@code path}, reconnecting once if the kept-alive connection was closed. */
    Reply get(String path) throws IOException {
        return send("GET", path, null);
    }

    private Reply send(String method, String path, byte[] body) throws IOException {
        try {
            return exchange(method, path, body);
        } catch (IOException first) {
            close();
            return exchange(method, path, body);
        }
    }

    /** Opens the connection unless it is open; returns its local port. */
    int connect() throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            onConnect.accept(socket.getLocalPort());
        }
        return socket.getLocalPort();
    }

    private Reply exchange(String method, String path, byte[] body) throws IOException {
        connect();
        String framing = body == null ? "" : "Content-Type: text/csv\r\nContent-Length: " + body.length + "\r\n";
        byte[] head = (method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n" + framing + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        out.write(head);  // buffered: a small request still leaves in one segment
        if (body != null) out.write(body);  // a large body goes straight to the socket, not copied
        out.flush();

        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) throw new IOException("not an HTTP/1.1 status line: " + status);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean close = false;
        for (String h; !(h = line()).isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon < 0) continue;
            String name = h.substring(0, colon).trim(), value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
            if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) close = true;
        }
        if (length < 0 || length > 64L << 20) throw new IOException("unsupported response framing: Content-Length " + length);
        byte[] reply = in.readNBytes((int) length);
        if (reply.length < length) throw new IOException("response body ended after " + reply.length + " of " + length + " bytes");
        if (close) close();
        return new Reply(code, reply);
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("connection closed mid-response");
            if (c != '\r') sb.append((char) c);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
    }
}
