package io.backchannel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Posts over API.md's WebSocket: {@code {"type":"send","channelId","clientMsgId","text"}} on one connection per
 * user, answered by an {@code ack} or an {@code error} frame that names the clientMsgId. A connection is opened
 * on a user's first send and reopened on the next send after it drops; the sends it had in flight fail, and
 * {@link Sends} retries them with the same clientMsgId, as after a dropped HTTP connection.
 */
final class WsPoster implements Sends.Poster {

    private final HttpClient http;
    private final Map<String, Mono<Connection>> connections = new ConcurrentHashMap<>();

    WsPoster(String baseUrl) {
        this.http = Client.unpooled(baseUrl);
    }

    @Override
    public String name() {
        return "ws";
    }

    @Override
    public Mono<Sends.Answer> post(Client.User user, String channelId, String clientMsgId, String text) {
        String frame = Client.write(Map.of("type", "send", "channelId", channelId, "clientMsgId", clientMsgId,
                "text", text));
        return connection(user).flatMap(connection -> connection.send(clientMsgId, frame));
    }

    @Override
    public void close() {
        connections.values().forEach(opening -> opening.subscribe(Connection::close, error -> { }));
        connections.clear();
    }

    private Mono<Connection> connection(Client.User user) {
        return connections.computeIfAbsent(user.userId(), id -> new Connection(user).opening);
    }

    private final class Connection {
        private final String userId;
        private final Mono<Connection> opening;
        private final Sinks.One<Connection> ready = Sinks.one();
        private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
        private final Map<String, Sinks.One<Sends.Answer>> pending = new ConcurrentHashMap<>();
        private volatile Disposable subscription;
        private volatile Throwable closedBy;

        Connection(Client.User user) {
            this.userId = user.userId();
            this.opening = Mono.defer(() -> {
                subscription = http.websocket()
                        .uri("/api/ws?access_token=" + user.token())
                        .handle((in, out) -> out.sendString(outbound.asFlux())
                                .then()
                                .and(in.receive().asString().doOnNext(this::onFrame)))
                        .subscribe(ignored -> { }, this::closed,
                                () -> closed(new BenchException("websocket closed by the server")));
                return ready.asMono();
            }).timeout(Client.TIMEOUT).doOnError(this::closed).cache();
        }

        Mono<Sends.Answer> send(String clientMsgId, String frame) {
            return Mono.defer(() -> {
                Sinks.One<Sends.Answer> answer = Sinks.one();
                pending.put(clientMsgId, answer);
                if (closedBy != null) {
                    pending.remove(clientMsgId, answer);
                    return Mono.error(closedBy);
                }
                // senders write from many threads, and the sink takes one emitter at a time
                synchronized (outbound) {
                    outbound.tryEmitNext(frame);
                }
                return answer.asMono()
                        .timeout(Client.TIMEOUT)
                        .doFinally(signal -> pending.remove(clientMsgId, answer));
            });
        }

        void onFrame(String text) {
            JsonNode frame = Client.parse(text);
            String type = frame.path("type").asText();
            if (type.equals("hello")) {
                ready.tryEmitValue(this);
                return;
            }
            if (!type.equals("ack") && !type.equals("error")) {
                return; // presence, typing: not for a sender
            }
            Sinks.One<Sends.Answer> answer = pending.get(frame.path("clientMsgId").asText());
            if (answer != null) {
                answer.tryEmitValue(type.equals("ack")
                        ? new Sends.Answer(201, frame.path("seq").asLong(), 0, "")
                        : refusal(frame.path("code").asText(), frame.path("retryAfterMs").asLong(1_000),
                                frame.path("message").asText()));
            }
        }

        void closed(Throwable why) {
            closedBy = why;
            connections.remove(userId, opening);
            close();
            ready.tryEmitError(why);
            pending.values().forEach(answer -> answer.tryEmitError(why));
        }

        void close() {
            Disposable connection = subscription;
            if (connection != null) {
                connection.dispose();
            }
        }
    }

    /** An error frame in HTTP's terms: what the client does next is the same. */
    private static Sends.Answer refusal(String code, long retryAfterMillis, String message) {
        int status = switch (code) {
            case "rate_limited" -> 429;
            case "unconfirmed" -> 503;
            case "internal" -> 500;
            default -> 400;
        };
        return new Sends.Answer(status, -1, retryAfterMillis, code + ": " + message);
    }
}
