package io.backchannel.bench;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental {@code text/event-stream} parser: bytes in (in any chunking), one callback per
 * dispatched event ({@code id}, {@code event}, {@code data}); comment lines are counted and skipped.
 */
final class SseParser {

    interface Handler {
        void onEvent(String id, String event, String data);
    }

    private final Handler handler;
    private byte[] line = new byte[256];
    private int length;
    private String id;
    private String event;
    private StringBuilder data;
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
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        length = 0;
        if (text.charAt(0) == ':') {
            comments++;
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "id" -> id = value;
            case "event" -> event = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> {
                // retry and unknown fields are ignored
            }
        }
    }

    private void dispatch() {
        if (data != null || event != null) {
            handler.onEvent(id, event, data == null ? "" : data.toString());
        }
        event = null;
        data = null;
        // id persists per the spec (last event id), but each of our events carries one anyway
    }
}
