package io.backchannel.gateway.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.gateway.config.Caches;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Each channel event as the bytes the transports write, encoded once on this node however many listeners
 * it goes to. Listeners of a channel share its event instances (one feed per channel, shared catch-up
 * pages), so the bytes are kept by instance, for as long as the instance is in use: a thousand
 * subscribers cost one serialisation per event instead of a thousand. Measured on fan-out, encoding per
 * delivery (Jackson, then Spring's SSE writer, then UTF-8) was a large part of the server's CPU. A
 * catch-up page is kept the same way, as one block that every listener catching up writes at once: for SSE
 * its frames, for WebSocket its frames as they go on the wire, headers included.
 */
@Component
public class EventFrames {

    /** Events kept at most: far more than are in flight at once, small next to the listeners' buffers. */
    private static final int KEPT = 10_000;
    /** Runs of events kept at most: a run is a page of history, so this is far more than the pages in use. */
    private static final int KEPT_RUNS = 1_000;
    /** RFC 6455's first byte of a whole text frame: FIN, and opcode 1. */
    private static final int FINAL_TEXT_FRAME = 0x81;

    private final ObjectMapper json;
    private final Cache<ChannelEvent, Encoded> encoded = Caches.newBuilder().weakKeys().maximumSize(KEPT).build();
    private final Cache<List<ChannelEvent>, byte[]> sseRuns = Caches.newBuilder().weakKeys().maximumSize(KEPT_RUNS).build();
    private final Cache<List<ChannelEvent>, byte[]> webSocketRuns = Caches.newBuilder().weakKeys()
            .maximumSize(KEPT_RUNS).build();

    EventFrames(ObjectMapper json) {
        this.json = json;
    }

    /** API.md's SSE frame for the event, with {@code id} as its {@code id} line. */
    public byte[] sse(ChannelEvent event, String id) {
        return withId(encoded(event).sse, id);
    }

    /** API.md's SSE frames for a run of one channel's events, each with its seq as its {@code id}. */
    public byte[] sse(List<ChannelEvent> run) {
        return run.size() == 1 ? encoded(run.get(0)).sseWithSeq : sseRuns.get(run, events -> concatenate(events, Encoded::sseWithSeq));
    }

    /**
     * API.md's WebSocket {@code event} frames for a run of one channel's events, one per event, as the bytes of
     * whole frames; shared by every listener, so they must not be written to. A catch-up page leaves in one
     * write, where a frame at a time cost the event loop a pass through the WebSocket encoder and the write
     * queue for every event and listener: most of its time in a reconnect storm.
     */
    public byte[] webSocket(List<ChannelEvent> run) {
        return run.size() == 1 ? encoded(run.get(0)).webSocket
                : webSocketRuns.get(run, events -> concatenate(events, Encoded::webSocket));
    }

    private byte[] concatenate(List<ChannelEvent> run, Function<Encoded, byte[]> frame) {
        ByteArrayOutputStream frames = new ByteArrayOutputStream(run.size() * 256);
        run.forEach(event -> frames.writeBytes(frame.apply(encoded(event))));
        return frames.toByteArray();
    }

    private static byte[] withId(byte[] frame, String id) {
        byte[] idLine = ("id:" + id + "\n").getBytes(UTF_8);
        byte[] withId = new byte[idLine.length + frame.length];
        System.arraycopy(idLine, 0, withId, 0, idLine.length);
        System.arraycopy(frame, 0, withId, idLine.length, frame.length);
        return withId;
    }

    /** An SSE frame of the server's own (a {@code resync}, say), without an {@code id}: {@code data} as its JSON. */
    public byte[] sse(String event, Object data) {
        return sse(event, new String(json(data), UTF_8));
    }

    /** A WebSocket frame of the server's own (a {@code hello}, an {@code ack}...): {@code frame} as its JSON. */
    public byte[] webSocket(Object frame) {
        return webSocket(json(frame));
    }

    /**
     * An SSE frame without an {@code id}: {@code event} and one {@code data} line. JSON never holds a raw
     * line break (it escapes them), so {@code json} is always one line.
     */
    private static byte[] sse(String event, String json) {
        return ("event:" + event + "\ndata:" + json + "\n\n").getBytes(UTF_8);
    }

    /**
     * A whole WebSocket text frame as a server sends it (RFC 6455, section 5.2): final, unmasked, with the
     * shortest length that fits. A server's frames carry no mask, so the bytes are the same for every client.
     */
    static byte[] webSocket(byte[] utf8Text) {
        int length = utf8Text.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + length).put((byte) FINAL_TEXT_FRAME);
        if (length < 126) {
            frame.put((byte) length);
        } else if (length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame.put(utf8Text).array();
    }

    private Encoded encoded(ChannelEvent event) {
        return encoded.get(event, this::encode);
    }

    private Encoded encode(ChannelEvent event) {
        String eventJson = new String(json(event), UTF_8);
        byte[] sse = sse(event.type(), eventJson);
        return new Encoded(sse, withId(sse, Long.toString(event.seq())),
                webSocket(("{\"type\":\"event\",\"event\":" + eventJson + "}").getBytes(UTF_8)));
    }

    private byte[] json(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Encoded(byte[] sse, byte[] sseWithSeq, byte[] webSocket) {
    }
}
