package io.backchannel.standalone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client for the tests, on the JDK's own client, whose flow control is explicit: a client
 * that should stop reading simply stops requesting frames.
 */
public final class WsClient implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> all = new CopyOnWriteArrayList<>();
    private final WebSocket socket;
    private final boolean reading;
    private final StringBuilder partial = new StringBuilder();

    private WsClient(String baseUrl, String token, String origin, boolean reading) {
        this.reading = reading;
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        this.socket = builder.buildAsync(URI.create(baseUrl.replace("http", "ws") + "/api/ws"), new Listener())
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public static WsClient connect(String baseUrl, String token) {
        return new WsClient(baseUrl, token, null, true);
    }

    static WsClient connect(String baseUrl, String token, String origin) {
        return new WsClient(baseUrl, token, origin, true);
    }

    /** A client that reads only its first frame and then nothing: the slow consumer. */
    static WsClient stalled(String baseUrl, String token) {
        return new WsClient(baseUrl, token, null, false);
    }

    public void send(Map<String, ?> frame) {
        try {
            sendRaw(TestJson.JSON.writeValueAsString(frame));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    void sendRaw(String text) {
        socket.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** The next frame, waiting for it. */
    JsonNode next() {
        try {
            JsonNode frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(frame).as("a frame within %s", WAIT).isNotNull();
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next frame that matches, skipping (and keeping in {@link #all}) the others. */
    public JsonNode next(Predicate<JsonNode> wanted) {
        while (true) {
            JsonNode frame = next();
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }

    public JsonNode next(String type) {
        return next(frame -> frame.path("type").asText().equals(type));
    }

    List<JsonNode> all() {
        return all;
    }

    /** Lets a stalled client read on. */
    void resume() {
        socket.request(Long.MAX_VALUE);
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(reading ? Long.MAX_VALUE : 1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = TestJson.JSON.readTree(partial.toString());
                    frames.add(frame);
                    all.add(frame);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("the server sent a frame that is not JSON: " + partial, e);
                }
                partial.setLength(0);
            }
            return null;
        }
    }
}
