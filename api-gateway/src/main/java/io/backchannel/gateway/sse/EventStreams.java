package io.backchannel.gateway.sse;

import io.backchannel.api.channel.ChannelEvent;
import io.backchannel.gateway.metrics.GatewayMetrics;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.stream.ChannelStreams;
import io.backchannel.gateway.stream.EventFrames;
import io.backchannel.gateway.stream.Presence;
import io.backchannel.gateway.stream.SlowConsumerException;
import io.backchannel.gateway.stream.StreamProperties;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * What every SSE stream shares: events written as API.md's event JSON, {@code resync} for a listener
 * that fell behind, a comment at once so {@code EventSource} opens, keepalives while idle, and the
 * connection counted for metrics and presence while it lasts. Frames are written as ready-made bytes,
 * one buffer each, rather than through Spring's {@code ServerSentEvent} writer, which formats every
 * frame again for every listener and writes it as three chunks. The bytes are wrapped by the response's
 * own buffer factory: Reactor Netty takes its own buffers as they are, and copies any other kind, so a
 * page of history shared by a thousand listeners was copied a thousand times.
 */
@Component
class EventStreams {

    private static final String TRANSPORT = "sse";
    private static final byte[] CONNECTED = ":connected\n\n".getBytes(UTF_8);
    private static final byte[] KEEPALIVE = ":keepalive\n\n".getBytes(UTF_8);
    private static final byte[] END = new byte[0];

    private final StreamProperties properties;
    private final GatewayMetrics metrics;
    private final Presence presence;
    private final EventFrames eventFrames;

    EventStreams(StreamProperties properties, GatewayMetrics metrics, Presence presence,
                 EventFrames eventFrames) {
        this.properties = properties;
        this.metrics = metrics;
        this.presence = presence;
        this.eventFrames = eventFrames;
    }

    /**
     * The response for one channel's runs of events, every event with its seq as its {@code id}: a run is
     * written as one buffer, so a page of history goes out at once, its bytes shared by every listener.
     */
    Flux<DataBuffer> respond(Caller caller, DataBufferFactory buffers, Flux<List<ChannelEvent>> runs) {
        return stream(caller, buffers, runs, run -> List.of(eventFrames.sse(run)));
    }

    /**
     * The response for runs of events of several channels, each event written with the {@code id} that
     * {@code idOf} gives it, in order.
     */
    Flux<DataBuffer> respond(Caller caller, DataBufferFactory buffers, Flux<List<ChannelEvent>> runs,
                             Function<ChannelEvent, String> idOf) {
        return stream(caller, buffers, runs,
                run -> run.stream().map(event -> eventFrames.sse(event, idOf.apply(event))).toList());
    }

    private Flux<DataBuffer> stream(Caller caller, DataBufferFactory buffers, Flux<List<ChannelEvent>> runs,
                                    Function<List<ChannelEvent>, Iterable<byte[]>> framesOf) {
        Instant connectedAt = Instant.now();
        Flux<byte[]> frames = runs
                .doOnNext(run -> metrics.delivered(connectedAt, run))
                .concatMapIterable(framesOf, ChannelStreams.ONE_RUN)
                .onErrorResume(SlowConsumerException.class, slow -> Mono.just(eventFrames.sse("resync", Map.of(
                        "type", "resync", "channelId", slow.channelId(), "afterSeq", slow.afterSeq()))));
        // The keepalives end with the events: at END, which only the events' end puts in. Cheaper per event
        // than sharing the events with a second subscriber that watches for their end.
        return Flux.merge(
                        Flux.just(CONNECTED),
                        frames.concatWithValues(END),
                        Flux.interval(properties.keepalive()).map(tick -> KEEPALIVE))
                .takeWhile(frame -> frame != END)
                .map(buffers::wrap)
                .doOnSubscribe(subscription -> {
                    metrics.streamOpened(TRANSPORT);
                    presence.opened(caller.userId());
                })
                .doFinally(signal -> {
                    metrics.streamClosed(TRANSPORT);
                    presence.closed(caller.userId());
                });
    }
}
