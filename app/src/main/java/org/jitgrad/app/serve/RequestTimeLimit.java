package org.jitgrad.app.serve;

/**
 * A time limit on each request and response of the JDK's HTTP server, its only defence against a
 * client that stalls. The server reads a request's line, headers and body on a handler thread; without a
 * limit a client that sends one byte, or headers with a Content-Length and never the body, holds that
 * thread for good, and {@code --http-threads} such connections leave /predict and /health unanswered.
 * With it, the server closes a connection whose request has not arrived whole, or whose response has not
 * been taken, within the limit, which ends the handler's blocked read or write.
 *
 * <p>The JDK reads these settings once per JVM, when it creates its first {@code HttpServer}: call
 * {@link #apply} before that.
 */
public final class RequestTimeLimit {
    static final String REQUEST = "sun.net.httpserver.maxReqTime", RESPONSE = "sun.net.httpserver.maxRspTime";

    private RequestTimeLimit() {}

    /** Limits requests and responses to {@code seconds} each, unless a {@code -D} option already set them. */
    public static void apply(int seconds) {
        if (seconds < 1) throw new IllegalArgumentException("--request-timeout must be >= 1, got " + seconds);
        if (System.getProperty(REQUEST) == null) System.setProperty(REQUEST, Integer.toString(seconds));
        if (System.getProperty(RESPONSE) == null) System.setProperty(RESPONSE, Integer.toString(seconds));
    }
}
