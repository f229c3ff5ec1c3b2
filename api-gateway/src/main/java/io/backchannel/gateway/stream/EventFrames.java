package io.backchannel.gateway.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.backchannel.api.channel.ChannelEvent;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Each channel event as the bytes the transports write, encoded once on this node however many listeners
 * it goes to. Listeners of a channel share its event instances (one feed per channel, shared catch-up
 * pages), so the bytes are kept by instance, for as long as the instance is in use: a thousand
 * subscribers cost one serialisation per event instead of a thousand. Measured on fan-out, encoding per
 * delivery (Jackson, then Spring's SSE writer, then UTF-8) was a large part of the server's CPU. A
 * catch-up page is kept the same way: for SSE as one block of frames that every listener catching up writes
 * at once, for WebSocket as its list of frames.
 */
@Component
public class EventFrames {

    /** Events kept at most: far more than are in flight at once, small next to the listeners' buffers. */
    private static final int KEPT = 10_000;
    /** Runs of events kept at most: a run is a page of history, so this is far more than the pages in use. */
    private static final int KEPT_RUNS = 1_000;

    private final ObjectMapper json;
    private final Cache<ChannelEvent, Encoded> encoded = Caffeine.newBuilder().weakKeys().maximumSize(KEPT).build();
    private final Cache<List<ChannelEvent>, byte[]> runs = Caffeine.newBuilder().weakKeys().maximumSize(KEPT_RUNS).build();
    private final Cache<List<ChannelEvent>, List<byte[]>> webSocketRuns = Caffeine.newBuilder().weakKeys()
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
        return run.size() == 1 ? encoded(run.get(0)).sseWithSeq : runs.get(run, this::concatenate);
    }

    private byte[] concatenate(List<ChannelEvent> run) {
        ByteArrayOutputStream frames = new ByteArrayOutputStream(run.size() * 256);
        run.forEach(event -> frames.writeBytes(encoded(event).sseWithSeq));
        return frames.toByteArray();
    }

    private static byte[] withId(byte[] frame, String id) {
        byte[] idLine = ("id:" + id + "\n").getBytes(UTF_8);
        byte[] withId = new byte[idLine.length + frame.length];
        System.arraycopy(idLine, 0, withId, 0, idLine.length);
        System.arraycopy(frame, 0, withId, idLine.length, frame.length);
        return withId;
    }

    /**
     * An SSE frame without an {@code id}: {@code event} and one {@code data} line. JSON never holds a raw
     * line break (it escapes them), so {@code json} is always one line.
     */
    public static byte[] sse(String event, String json) {
        return ("event:" + event + "\ndata:" + json + "\n\n").getBytes(UTF_8);
    }

    /**
     * API.md's WebSocket {@code event} frames for a run of one channel's events, one per event; shared by every
     * listener, so they must not be written to. A catch-up page is looked up once, not once per event.
     */
    public List<byte[]> webSocket(List<ChannelEvent> run) {
        return run.size() == 1 ? List.of(encoded(run.get(0)).webSocket)
                : webSocketRuns.get(run, events -> events.stream().map(event -> encoded(event).webSocket).toList());
    }

    private Encoded encoded(ChannelEvent event) {
        return encoded.get(event, this::encode);
    }

    private Encoded encode(ChannelEvent event) {
        try {
            String eventJson = json.writeValueAsString(event);
            byte[] sse = sse(event.type(), eventJson);
            return new Encoded(sse, withId(sse, Long.toString(event.seq())),
                    ("{\"type\":\"event\",\"event\":" + eventJson + "}").getBytes(UTF_8));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Encoded(byte[] sse, byte[] sseWithSeq, byte[] webSocket) {
    }
}
