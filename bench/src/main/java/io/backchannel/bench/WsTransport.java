package io.backchannel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * API.md's WebSocket protocol: {@code GET /api/ws?access_token=}, then
 * {@code {"type":"subscribe","channelId","afterSeq"}} and {@code {"type":"event","event":{...}}} frames.
 * One connection per subscriber. If the server does not offer {@code /api/ws}, the upgrade fails and
 * the subscriber reports it.
 */
final class WsTransport implements StreamTransport {

    /** How the server starts an {@code event} frame; the event's own JSON follows. */
    private static final byte[] EVENT_FRAME = "{\"type\":\"event\",\"event\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SEQ = RawJson.numberKey("seq");

    private final HttpClient http;

    WsTransport(String baseUrl) {
        this.http = Client.unpooled(baseUrl);
    }

    @Override
    public String name() {
        return "ws";
    }

    @Override
    public Connection open(String channelId, String token, long afterSeq, Listener listener) {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicReference<Disposable> self = new AtomicReference<>();
        // channelId null: a bare connection (hello only), as an idle client before it subscribes
        String subscribe = channelId == null ? null
                : Client.write(Map.of("type", "subscribe", "channelId", channelId, "afterSeq", afterSeq));
        Disposable subscription = http
                .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(1 << 20).build())
                .uri("/api/ws?access_token=" + token)
                .handle((in, out) -> {
                    Consumer<RawJson> onEvent = event -> listener.onEvent(event.number(SEQ), event);
                    FrameBytes frames = new FrameBytes();
                    Mono<Void> inbound = in.aggregateFrames(1 << 20).receive().doOnNext(content -> {
                        if (closed.get()) {
                            return;
                        }
                        RawJson bytes = frames.read(content);
                        // Nearly every frame is an event: read those as bytes, without a parse (see RawJson).
                        if (bytes.startsWith(EVENT_FRAME)) {
                            onEvent.accept(bytes.skip(EVENT_FRAME.length));
                            return;
                        }
                        String text = bytes.text();
                        JsonNode frame = Client.parse(text);
                        switch (frame.path("type").asText()) {
                            case "event" -> {
                                byte[] event = frame.path("event").toString().getBytes(StandardCharsets.UTF_8);
                                onEvent.accept(new RawJson(event, 0, event.length));
                            }
                            // the server greets every connection first (API.md), and the subscribe frame is already on
                            // its way; an idle channel sends no event, so the stream counts as open from here
                            case "hello" -> listener.onOpen();
                            case "resync" -> {
                                // the subscription is over (the connection is not): end it, so the listener
                                // resumes from the last seq it was given, as an SSE client does
                                listener.onResync(frame.path("afterSeq").asLong(-1));
                                end(closed, self, listener, new BenchException("resync"));
                            }
                            // the server keeps the connection; the bench treats a refused subscribe as the end
                            case "error" -> end(closed, self, listener, new BenchException("ws error frame: " + text));
                            default -> {
                                // typing, presence, pong: not counted
                            }
                        }
                    }).then();
                    return subscribe == null ? inbound : out.sendString(Mono.just(subscribe)).then().and(inbound);
                })
                .subscribe(
                        ignored -> { },
                        error -> {
                            if (closed.compareAndSet(false, true)) {
                                listener.onClosed(error);
                            }
                        },
                        () -> {
                            if (closed.compareAndSet(false, true)) {
                                listener.onClosed(null);
                            }
                        });
        self.set(subscription);
        return () -> {
            closed.set(true);
            subscription.dispose();
        };
    }

    /** One connection's frames, copied into one array it reuses: they are read on its I/O thread, one at a time. */
    private static final class FrameBytes {
        private byte[] bytes = new byte[4096];

        RawJson read(ByteBuf content) {
            int length = content.readableBytes();
            if (length > bytes.length) {
                bytes = new byte[Math.max(length, bytes.length * 2)];
            }
            content.getBytes(content.readerIndex(), bytes, 0, length);
            return new RawJson(bytes, 0, length);
        }
    }

    /** Ends the stream from the client's side: the listener hears of it once, and the connection is dropped. */
    private static void end(AtomicBoolean closed, AtomicReference<Disposable> self, Listener listener, Throwable why) {
        if (closed.compareAndSet(false, true)) {
            listener.onClosed(why);
            Disposable connection = self.get();
            if (connection != null) {
                connection.dispose();
            }
        }
    }
}
