package org.jitgrad.app.serve;

/** The little JSON the server writes, by hand: objects of numbers, strings and arrays. */
final class Json {
    private final StringBuilder sb;
    private boolean first = true;

    private Json(int capacity) {
        sb = new StringBuilder(capacity).append('{');
    }

    static Json object() { return new Json(256); }

    static Json object(int capacity) { return new Json(capacity); }

    private StringBuilder key(String k) {
        if (!first) sb.append(',');
        first = false;
        quote(sb, k);
        return sb.append(':');
    }

    Json put(String k, long v) {
        key(k).append(v);
        return this;
    }

    /** A finite double, or null when it is not. */
    Json put(String k, double v) {
        StringBuilder b = key(k);
        number(b, v);
        return this;
    }

    Json put(String k, String v) {
        quote(key(k), v);
        return this;
    }

    Json put(String k, boolean v) {
        key(k).append(v);
        return this;
    }

    /** Appends {@code "k":} followed by raw JSON the caller writes into the returned builder. */
    StringBuilder raw(String k) {
        return key(k);
    }

    String end() {
        return sb.append('}').toString();
    }

    static void number(StringBuilder b, double v) {
        if (!Double.isFinite(v)) b.append("null");
        else if (v == Math.rint(v) && Math.abs(v) < 1e15) b.append((long) v);
        else b.append(v);
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    /** {"error": message}. */
    static String error(String message) {
        return object().put("error", message).end();
    }
}
