package org.jitgrad.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * A cluster member's address, {@code host:port} (an IPv6 host in brackets: {@code [::1]:5701}).
 *
 * @param host a host name or IP literal, without brackets
 * @param port a TCP port, 1..65535
 */
public record MemberAddress(String host, int port) {

    public MemberAddress {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("a member address needs a host, got '" + host + "'");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("member port must be in 1..65535, got " + port + " for host " + host);
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException naming the text when it is not {@code host:port} with a port in 1..65535
     */
    public static MemberAddress parse(String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not a member address: expected host:port, e.g. 127.0.0.1:5701");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + text + "': write an IPv6 host in brackets, e.g. [::1]:5701");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the port '" + t.substring(colon + 1) + "' is not a number");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("'" + text + "': the port must be in 1..65535");
        return new MemberAddress(host, port);
    }

    /** Parses a comma-separated list of {@code host:port}; at least one, no duplicates. */
    public static List<MemberAddress> parseList(String commaSeparated) {
        List<MemberAddress> out = new ArrayList<>();
        for (String part : (commaSeparated == null ? "" : commaSeparated).split(",")) {
            if (part.isBlank()) continue;
            MemberAddress a = parse(part);
            if (out.contains(a)) throw new IllegalArgumentException("member address " + a + " is listed twice in '" + commaSeparated + "'");
            out.add(a);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no member address in '" + commaSeparated + "': expected host:port,host:port,...");
        return List.copyOf(out);
    }

    /** {@code host:port}, with an IPv6 host in brackets (as Hazelcast's member list wants it). */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
