package io.backchannel.gateway.sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.gateway.metrics.GatewayMetrics;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.stream.EventJson;
import io.backchannel.gateway.stream.Presence;
import io.backchannel.gateway.stream.SlowConsumerException;
import io.backchannel.gateway.stream.StreamProperties;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * What every SSE stream shares: events written as API.md's event JSON, {@code resync} for a listener
 * that fell behind, a comment at once so {@code EventSource} opens, keepalives while idle, and the
 * connection counted for metrics and presence while it lasts.
 */
@Component
class EventStreams {

    private static final String TRANSPORT = "sse";

    private final StreamProperties properties;
    private final ObjectMapper json;
    private final GatewayMetrics metrics;
    private final Presence presence;
    private final EventJson eventJson;

    EventStreams(StreamProperties properties, ObjectMapper json, GatewayMetrics metrics, Presence presence,
                 EventJson eventJson) {
        this.properties = properties;
        this.json = json;
        this.metrics = metrics;
        this.presence = presence;
        this.eventJson = eventJson;
    }

    /** The response for {@code events}, each written with the {@code id} that {@code idOf} gives it. */
    Flux<ServerSentEvent<String>> respond(Caller caller, Flux<ChannelEvent> events, Function<ChannelEvent, String> idOf) {
        Instant connectedAt = Instant.now();
        Flux<ServerSentEvent<String>> frames = events
                .doOnNext(event -> metrics.delivered(connectedAt, event.ts()))
                .map(event -> ServerSentEvent.builder(eventJson.of(event)).id(idOf.apply(event)).event(event.type()).build())
                .onErrorResume(SlowConsumerException.class, slow -> Mono.just(ServerSentEvent.builder(write(Map.of(
                        "type", "resync", "channelId", slow.channelId(), "afterSeq", slow.afterSeq())))
                        .event("resync").build()));
        return frames.publish(shared -> Flux.merge(
                        Flux.just(ServerSentEvent.<String>builder().comment("connected").build()),
                        shared,
                        Flux.interval(properties.keepalive())
                                .map(tick -> ServerSentEvent.<String>builder().comment("keepalive").build())
                                .takeUntilOther(shared.then())))
                .doOnSubscribe(subscription -> {
                    metrics.streamOpened(TRANSPORT);
                    presence.opened(caller.userId());
                })
                .doFinally(signal -> {
                    metrics.streamClosed(TRANSPORT);
                    presence.closed(caller.userId());
                });
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
