package io.backchannel.gateway.sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backchannel.api.Limits;
import io.backchannel.api.Rejection;
import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.gateway.metrics.GatewayMetrics;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.security.ChannelReadAccess;
import io.backchannel.gateway.stream.ChannelStreams;
import io.backchannel.gateway.stream.Presence;
import io.backchannel.gateway.stream.SlowConsumerException;
import io.backchannel.gateway.stream.StreamProperties;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * One channel as Server-Sent Events: {@code id} is the seq, so a browser's automatic reconnect sends
 * {@code Last-Event-ID} and resumes exactly where it stopped.
 */
@RestController
class ChannelStreamController {

    private static final String TRANSPORT = "sse";

    private final ChannelReadAccess readAccess;
    private final ChannelStreams streams;
    private final StreamProperties properties;
    private final ObjectMapper json;
    private final GatewayMetrics metrics;
    private final Presence presence;

    ChannelStreamController(ChannelReadAccess readAccess, ChannelStreams streams, StreamProperties properties,
                            ObjectMapper json, GatewayMetrics metrics, Presence presence) {
        this.presence = presence;
        this.readAccess = readAccess;
        this.streams = streams;
        this.properties = properties;
        this.json = json;
        this.metrics = metrics;
    }

    @GetMapping(path = "/api/channels/{channelId}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> stream(@PathVariable String channelId,
                                               @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                                               @RequestParam(required = false) Long after, Caller caller) {
        Long resumeFrom = lastEventId != null ? Long.valueOf(parseSeq(lastEventId)) : after;
        Limits.requireAfter(resumeFrom);
        // Access is settled before the response starts, so a refusal is a proper problem detail.
        return readAccess.require(channelId, caller).flatMapMany(channel -> {
            long from = resumeFrom != null ? resumeFrom : channel.lastSeq();
            Instant connectedAt = Instant.now();
            Flux<ServerSentEvent<String>> events = streams.follow(channelId, from, caller.userId())
                    .doOnNext(event -> metrics.delivered(connectedAt, event.ts()))
                    .map(this::toSse)
                    .onErrorResume(SlowConsumerException.class, slow -> Mono.just(resync(slow)));
            return events.publish(shared -> Flux.merge(
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
        });
    }

    private static long parseSeq(String lastEventId) {
        try {
            return Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            throw Rejection.invalid("Last-Event-ID must be a seq").exception();
        }
    }

    private ServerSentEvent<String> toSse(ChannelEvent event) {
        return ServerSentEvent.builder(write(event)).id(Long.toString(event.seq())).event(event.type()).build();
    }

    private ServerSentEvent<String> resync(SlowConsumerException slow) {
        return ServerSentEvent.builder(write(Map.of("type", "resync", "channelId", slow.channelId(),
                "afterSeq", slow.afterSeq()))).event("resync").build();
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
