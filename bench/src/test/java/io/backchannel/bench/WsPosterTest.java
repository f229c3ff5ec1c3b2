package io.backchannel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The bench's WebSocket sender against a stand-in server that speaks API.md's frames: it must turn acks and
 * error frames into the same outcomes as HTTP answers, and resend over a new connection after a drop.
 */
class WsPosterTest {

    private static final Duration AT_MOST = Duration.ofSeconds(10);
    private static final Client.User USER = new Client.User("u1", "user", "token");

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger seq = new AtomicInteger();
    private DisposableServer server;
    private WsPoster poster;
    private Sends sends;

    @BeforeEach
    void start() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.ws("/api/ws", (in, out) -> {
                    connections.incrementAndGet();
                    Flux<String> replies = in.receive().asString().concatMap(text -> {
                        JsonNode frame = Client.parse(text);
                        String clientMsgId = frame.path("clientMsgId").asText();
                        boolean again = received.contains(clientMsgId);
                        received.add(clientMsgId);
                        if (clientMsgId.startsWith("drop") && !again) {
                            return Flux.error(new IllegalStateException("dropped"));
                        }
                        if (clientMsgId.startsWith("limited") && !again) {
                            return Flux.just(error(clientMsgId, "rate_limited").replace("}", ",\"retryAfterMs\":20}"));
                        }
                        if (clientMsgId.startsWith("forbidden")) {
                            return Flux.just(error(clientMsgId, "forbidden"));
                        }
                        return Flux.just("{\"type\":\"ack\",\"clientMsgId\":\"" + clientMsgId
                                + "\",\"channelId\":\"c1\",\"seq\":" + seq.incrementAndGet() + ",\"messageId\":\"m\"}");
                    });
                    return out.sendString(Flux.just("{\"type\":\"hello\",\"userId\":\"u1\"}").concatWith(replies));
                }))
                .bindNow();
        poster = new WsPoster("http://127.0.0.1:" + server.port());
        sends = new Sends(poster);
    }

    @AfterEach
    void stop() {
        poster.close();
        server.disposeNow();
    }

    @Test
    void anAckedSendCarriesItsSeqAndSendsShareTheUsersConnection() {
        Sends.Ack first = sends.send(USER, "c1", "a-1", "hello").block(AT_MOST);
        Sends.Ack second = sends.send(USER, "c1", "a-2", "hello").block(AT_MOST);

        assertEquals(1, first.seq());
        assertEquals(2, second.seq());
        assertEquals(1, connections.get());
        assertEquals(0, sends.retried.get());
    }

    @Test
    void aSendCutOffByADroppedConnectionIsResentWithTheSameClientMsgIdOverANewOne() {
        Sends.Ack ack = sends.send(USER, "c1", "drop-1", "hello").block(AT_MOST);

        assertEquals(1, ack.seq());
        assertEquals(List.of("drop-1", "drop-1"), received);
        assertEquals(2, connections.get());
        assertEquals(1, sends.retried.get());
    }

    @Test
    void aRateLimitedSendWaitsAndIsResent() {
        Sends.Ack ack = sends.send(USER, "c1", "limited-1", "hello").block(AT_MOST);

        assertEquals(1, ack.seq());
        assertEquals(1, sends.rateLimited.get());
        assertEquals(List.of("limited-1", "limited-1"), received);
    }

    @Test
    void aRefusedSendFailsWithoutARetry() {
        Sends.Ack ack = sends.send(USER, "c1", "forbidden-1", "hello").block(AT_MOST);

        assertNull(ack);
        assertEquals(1, sends.failed.get());
        assertEquals(0, sends.retried.get());
        assertEquals(List.of("forbidden-1"), received);
    }

    private static String error(String clientMsgId, String code) {
        return "{\"type\":\"error\",\"code\":\"" + code + "\",\"message\":\"no\",\"clientMsgId\":\"" + clientMsgId + "\"}";
    }
}
