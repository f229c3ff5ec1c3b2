package io.backchannel.gateway.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.backchannel.api.channel.ChannelEvent;
import org.springframework.stereotype.Component;

import java.io.UncheckedIOException;

/**
 * Each channel event's JSON, written once on this node however many listeners it goes to. Listeners of a
 * channel share its event instances (one feed per channel, shared catch-up pages), so the JSON is kept
 * by instance, for as long as the instance is in use: a thousand subscribers cost one serialisation per
 * event instead of a thousand (measured: Jackson per delivery was a large part of fan-out's CPU).
 */
@Component
public class EventJson {

    /** Events kept at most: far more than are in flight at once, small next to the listeners' buffers. */
    private static final int KEPT = 10_000;

    private final ObjectMapper json;
    private final Cache<ChannelEvent, String> written = Caffeine.newBuilder().weakKeys().maximumSize(KEPT).build();

    EventJson(ObjectMapper json) {
        this.json = json;
    }

    public String of(ChannelEvent event) {
        return written.get(event, this::write);
    }

    private String write(ChannelEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
