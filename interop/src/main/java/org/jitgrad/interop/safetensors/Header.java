package org.jitgrad.interop.safetensors;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A safetensors header, parsed: a JSON object (UTF-8, possibly padded with trailing spaces) whose keys are tensor
 * names mapped to {@code {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}}, plus an optional
 * {@code "__metadata__"} object of strings. The structure is checked strictly: duplicate keys, unknown or missing
 * fields, numbers that are not non-negative integers and anything after the object are errors.
 *
 * @param entries  the tensors, in header order
 * @param metadata the {@code __metadata__} strings, sorted by key (empty if absent)
 */
record Header(List<TensorEntry> entries, Map<String, String> metadata) {
    /** The key of the metadata object. */
    static final String METADATA_KEY = "__metadata__";
    /** The deepest nesting a valid header has: the root object, an entry, its shape array. */
    private static final int MAX_DEPTH = 3;
    /** More dimensions than any tensor has; stops a hostile header from growing one shape without bound. */
    private static final int MAX_SHAPE_LENGTH = 64;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    /**
     * Parses the header's bytes.
     *
     * @throws IllegalArgumentException naming the fault (and for a JSON syntax error, its position)
     */
    static Header parse(byte[] utf8) {
        if (utf8.length == 0 || utf8[0] != '{') {
            throw new IllegalArgumentException("the header must be a JSON object starting with '{', but it starts with "
                    + (utf8.length == 0 ? "nothing (length 0)" : String.format("byte 0x%02x", utf8[0] & 0xFF)));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the header is not valid UTF-8");
        }
        try (JsonParser p = JSON.createParser(text)) {
            p.nextToken();   // the '{' checked above
            List<TensorEntry> entries = new ArrayList<>();
            Map<String, String> metadata = new TreeMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals(METADATA_KEY)) {
                    readMetadata(p, metadata);
                } else {
                    entries.add(readEntry(p, name));
                }
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("the header has content after its JSON object, at character "
                        + p.currentLocation().getCharOffset());
            }
            return new Header(List.copyOf(entries), metadata);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException("the header is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (at character " + at.getCharOffset() + ")"), e);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string failed", e);
        }
    }

    /**
     * The header's bytes for these entries (in this order) and metadata (sorted): compact JSON, padded with spaces so
     * that the data section starts at a multiple of 8 bytes from the start of the file.
     */
    static byte[] encode(List<TensorEntry> entries, Map<String, String> metadata) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(METADATA_KEY);
                for (Map.Entry<String, String> m : new TreeMap<>(metadata).entrySet()) g.writeStringField(m.getKey(), m.getValue());
                g.writeEndObject();
            }
            for (TensorEntry e : entries) {
                g.writeObjectFieldStart(e.name());
                g.writeStringField("dtype", e.dtype());
                g.writeArrayFieldStart("shape");
                for (long d : e.shape()) g.writeNumber(d);
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(e.begin());
                g.writeNumber(e.end());
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory failed", e);
        }
        int padding = (int) ((8 - (Long.BYTES + bytes.size()) % 8) % 8);
        for (int i = 0; i < padding; i++) bytes.write(' ');
        return bytes.toByteArray();
    }

    private static void readMetadata(JsonParser p, Map<String, String> into) throws IOException {
        expect(p, JsonToken.START_OBJECT, "'" + METADATA_KEY + "'", "an object of strings");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            expect(p, JsonToken.VALUE_STRING, "'" + METADATA_KEY + "' entry '" + key + "'", "a string");
            into.put(key, p.getText());
        }
    }

    private static TensorEntry readEntry(JsonParser p, String name) throws IOException {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
            // A JSON escape can spell half a surrogate pair. Such a name has no UTF-8 form: two of them would compare
            // equal in TensorNames.ORDER, and one tensor would silently replace the other.
            throw new IllegalArgumentException("tensor name '" + escapeSurrogates(name) + "' is not valid Unicode: it holds an "
                    + "unpaired surrogate");
        }
        String what = "tensor '" + name + "'";
        expect(p, JsonToken.START_OBJECT, what, "an object with dtype, shape and data_offsets");
        String dtype = null;
        long[] shape = null, offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "dtype" -> {
                    expect(p, JsonToken.VALUE_STRING, what + ": dtype", "a string");
                    dtype = p.getText();
                }
                case "shape" -> shape = readIntegers(p, what + ": shape", MAX_SHAPE_LENGTH);
                case "data_offsets" -> {
                    offsets = readIntegers(p, what + ": data_offsets", 2);
                    if (offsets.length != 2) {
                        throw new IllegalArgumentException(what + ": data_offsets must be two numbers [begin, end], got " + Arrays.toString(offsets));
                    }
                }
                default -> throw new IllegalArgumentException(what + " has an unknown field '" + field
                        + "' (a tensor has dtype, shape and data_offsets)");
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            throw new IllegalArgumentException(what + " lacks " + (dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets"));
        }
        return new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** An array of at most {@code max} non-negative integers that fit a long. */
    private static long[] readIntegers(JsonParser p, String what, int max) throws IOException {
        expect(p, JsonToken.START_ARRAY, what, "an array of non-negative integers");
        long[] values = new long[max];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new IllegalArgumentException(what + " must hold non-negative integers, found " + found(p));
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                throw new IllegalArgumentException(what + " must hold non-negative integers below 2^63, found " + p.getText());
            }
            if (n == max) throw new IllegalArgumentException(what + " has more than " + max + " numbers");
            values[n++] = p.getLongValue();
        }
        return Arrays.copyOf(values, n);
    }

    /** The name with each unpaired surrogate shown by its code (U+D800 to U+DFFF), for a message. */
    private static String escapeSurrogates(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) sb.append(String.format("<U+%04X>", c));
            else sb.appendCodePoint(c);
        });
        return sb.toString();
    }

    private static void expect(JsonParser p, JsonToken token, String what, String wanted) throws IOException {
        if (p.currentToken() != token) throw new IllegalArgumentException(what + " must be " + wanted + ", found " + found(p));
    }

    private static String found(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string \"" + p.getText() + "\"";
            case null -> "the end of the header";
            default -> p.getText();
        };
    }
}
