package io.backchannel.bench;

import io.netty.buffer.ByteBuf;

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

    void feed(ByteBuf buf) {
        buf.forEachByte(buf.readerIndex(), buf.readableBytes(), b -> {
            accept(b);
            return true;
        });
    }

    private void accept(byte b) {
        if (b == '\n') {
            if (lastWasCr) {
                lastWasCr = false;
                return; // \r\n
            }
            endLine();
        } else if (b == '\r') {
            lastWasCr = true;
            endLine();
        } else {
            lastWasCr = false;
            if (length == line.length) {
                line = Arrays.copyOf(line, length * 2);
            }
            line[length++] = b;
        }
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
