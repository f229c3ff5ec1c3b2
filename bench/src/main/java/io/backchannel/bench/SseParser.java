package io.backchannel.bench;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental {@code text/event-stream} parser: bytes in (in any chunking), one callback per
 * dispatched event ({@code id}, {@code event}, {@code data}); comment lines are counted and skipped. A
 * line is read as bytes, and only its value becomes a string ({@code data} stays bytes): a storm is ten
 * million events, and each string made of one is a copy.
 */
final class SseParser {

    interface Handler {
        /** {@code data} is valid only during the call. */
        void onEvent(String id, String event, RawJson data);
    }

    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);

    private final Handler handler;
    private byte[] line = new byte[256];
    private int length;
    private String id;
    private String event;
    private byte[] data = new byte[256];
    private int dataLength = -1;
    private long comments;
    private boolean lastWasCr;

    SseParser(Handler handler) {
        this.handler = handler;
    }

    long comments() {
        return comments;
    }

    /** Takes a line at a time, not a byte at a time: a catch-up page arrives as one large block. */
    void feed(ByteBuf buf) {
        int at = buf.readerIndex();
        int end = buf.writerIndex();
        while (at < end) {
            if (lastWasCr) {
                lastWasCr = false;
                if (buf.getByte(at) == '\n') {
                    at++; // \r\n
                    continue;
                }
            }
            int lineEnd = buf.forEachByte(at, end - at, ByteProcessor.FIND_CRLF);
            append(buf, at, (lineEnd < 0 ? end : lineEnd) - at);
            if (lineEnd < 0) {
                return;
            }
            lastWasCr = buf.getByte(lineEnd) == '\r';
            endLine();
            at = lineEnd + 1;
        }
    }

    private void append(ByteBuf buf, int from, int count) {
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        buf.getBytes(from, line, length, count);
        length += count;
    }

    private void endLine() {
        if (length == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            comments++;
        } else {
            int colon = 0;
            while (colon < length && line[colon] != ':') {
                colon++;
            }
            int value = Math.min(length, colon + 1);
            if (value < length && line[value] == ' ') {
                value++;
            }
            if (fieldIs(ID, colon)) {
                id = new String(line, value, length - value, StandardCharsets.UTF_8);
            } else if (fieldIs(EVENT, colon)) {
                event = new String(line, value, length - value, StandardCharsets.UTF_8);
            } else if (fieldIs(DATA, colon)) {
                appendData(value);
            }
            // retry and unknown fields are ignored
        }
        length = 0;
    }

    private boolean fieldIs(byte[] name, int fieldLength) {
        return Arrays.equals(line, 0, fieldLength, name, 0, name.length);
    }

    /** A second {@code data} line joins the first with a line break, as the spec says. */
    private void appendData(int from) {
        int count = length - from;
        int separator = dataLength < 0 ? 0 : 1;
        int at = Math.max(dataLength, 0);
        if (at + separator + count > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, at + separator + count));
        }
        if (separator == 1) {
            data[at++] = '\n';
        }
        System.arraycopy(line, from, data, at, count);
        dataLength = at + count;
    }

    private void dispatch() {
        if (dataLength >= 0 || event != null) {
            handler.onEvent(id, event, new RawJson(data, 0, Math.max(dataLength, 0)));
        }
        event = null;
        dataLength = -1;
        // id persists per the spec (last event id), but each of our events carries one anyway
    }
}
