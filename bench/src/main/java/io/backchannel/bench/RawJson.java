package io.backchannel.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A piece of the server's JSON as bytes, with its fields found by scanning rather than parsing: a client reads
 * every event, and at ten million events a parse, or even a string, per event is the bench's own largest cost.
 * Sound for the server's JSON (compact, escaped): a quote inside a value is escaped, so a key never matches
 * there. Keys are made once ({@link #stringKey}, {@link #numberKey}) and the bytes are only read.
 */
record RawJson(byte[] bytes, int from, int to) {

    /** The key of a string field as the server writes it, with the value's opening quote. */
    static byte[] stringKey(String field) {
        return ("\"" + field + "\":\"").getBytes(StandardCharsets.UTF_8);
    }

    /** The key of a number field as the server writes it. */
    static byte[] numberKey(String field) {
        return ("\"" + field + "\":").getBytes(StandardCharsets.UTF_8);
    }

    boolean startsWith(byte[] prefix) {
        return to - from >= prefix.length && Arrays.equals(bytes, from, from + prefix.length, prefix, 0, prefix.length);
    }

    /** What follows the first {@code length} bytes. */
    RawJson skip(int length) {
        return new RawJson(bytes, from + length, to);
    }

    /** Whether {@code text} (a key with its value, say) occurs. */
    boolean contains(byte[] text) {
        return indexOf(text) >= 0;
    }

    /** The string value under {@code key} (see {@link #stringKey}), or null. */
    String string(byte[] key) {
        int at = indexOf(key);
        if (at < 0) {
            return null;
        }
        int start = at + key.length;
        for (int end = start; end < to; end++) {
            if (bytes[end] == '"') {
                return new String(bytes, start, end - start, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The number value under {@code key} (see {@link #numberKey}), or -1 if it has none. */
    long number(byte[] key) {
        int at = indexOf(key);
        if (at < 0) {
            return -1;
        }
        int start = at + key.length;
        boolean negative = start < to && bytes[start] == '-';
        int digits = negative ? start + 1 : start;
        long value = 0;
        int end = digits;
        for (; end < to && bytes[end] >= '0' && bytes[end] <= '9'; end++) {
            value = value * 10 + (bytes[end] - '0');
        }
        return end == digits ? -1 : negative ? -value : value;
    }

    String text() {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    private int indexOf(byte[] text) {
        byte first = text[0];
        for (int at = from, last = to - text.length; at <= last; at++) {
            if (bytes[at] == first && Arrays.equals(bytes, at, at + text.length, text, 0, text.length)) {
                return at;
            }
        }
        return -1;
    }
}
