package io.backchannel.bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /api/channels/{id}/stream} with {@code Last-Event-ID}: one TCP connection per
 * subscriber, never pooled ({@link HttpClient#newConnection()}), so a thousand streams need no pool sizing.
 */
final class SseTransport implements StreamTransport {


    private final HttpClient http;

    SseTransport(String baseUrl) {
        this.http = Client.unpooled(baseUrl);
    }

    @Override
    public String name() {
        return "sse";
    }

    @Override
    public Connection open(String channelId, String token, long afterSeq, Listener listener) {
        AtomicBoolean closed = new AtomicBoolean();
        SseParser parser = new SseParser((id, event, data) -> {
            if (closed.get()) {
                return;
            }
            if ("resync".equals(event)) {
                listener.onResync(Client.parse(data.text()).path("afterSeq").asLong(-1));
                return;
            }
            if (id == null || event == null) {
                return;
            }
            long seq = Long.parseLong(id.trim());
            listener.onEvent(seq, data);
        });
        Disposable subscription = http
                .headers(h -> {
                    h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
                    h.set(HttpHeaderNames.ACCEPT, "text/event-stream");
                    h.set("Last-Event-ID", Long.toString(afterSeq));
                })
                .get()
                .uri("/api/channels/" + channelId + "/stream")
                .response((response, content) -> {
                    if (response.status().code() != 200) {
                        return content.aggregate().asString().defaultIfEmpty("")
                                .flatMap(body -> Mono.error(new BenchException("stream answered HTTP "
                                        + response.status().code() + ": " + Client.abbreviate(body))));
                    }
                    if (!closed.get()) {
                        listener.onOpen();
                    }
                    return content.doOnNext(buf -> {
                        if (!closed.get()) {
                            parser.feed(buf);
                        }
                    }).then();
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
        return () -> {
            closed.set(true);
            subscription.dispose();
        };
    }
}
