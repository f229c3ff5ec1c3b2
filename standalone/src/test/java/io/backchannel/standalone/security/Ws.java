package io.backchannel.standalone.security;

import io.backchannel.standalone.TestJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** A WebSocket client for the security tests (JDK client): frames in, frames out, and handshake refusals as statuses. */
final class Ws implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicLong PINGS = new AtomicLong();

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final AtomicInteger closeCode = new AtomicInteger(-1);
    private final WebSocket socket;

    private Ws(WebSocket.Builder builder, URI uri) {
        this.socket = builder.buildAsync(uri, new Listener()).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Opens {@code /api/ws}, the token in the header (or, with {@code inQuery}, as {@code ?access_token=}). */
    static Ws connect(String baseUrl, String token, String origin, boolean inQuery) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        String query = "";
        if (token != null && inQuery) {
            query = "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        } else if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        return new Ws(builder, URI.create(baseUrl.replace("http", "ws") + "/api/ws" + query));
    }

    static Ws connect(String baseUrl, String token) {
        return connect(baseUrl, token, null, false);
    }

    /** The upgrade's answer: 101 when it opened (the socket is closed again at once), else the refusal's status. */
    static int handshake(String baseUrl, String token, String origin, boolean inQuery) {
        try (Ws ws = connect(baseUrl, token, origin, inQuery)) {
            ws.next("hello");
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    void send(Map<String, ?> frame) {
        sendRaw(TestJson.body(frame));
    }

    void sendRaw(String text) {
        socket.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /**
     * Sends {@code text}, then a ping, and returns every frame the server wrote until the pong, and until the
     * answer to {@code text} if it is a send. Frames are handled in order, so any other answer comes before
     * the pong; a send is answered once it is stored, which may be after.
     */
    List<JsonNode> exchange(String text) {
        sendRaw(text);
        List<JsonNode> frames = untilPong();
        while (isSend(text) && frames.stream().noneMatch(frame -> frame.path("type").asText().matches("ack|error"))) {
            frames.add(next());
        }
        return frames;
    }

    private static boolean isSend(String text) {
        try {
            return TestJson.parse(text).path("type").asText().equals("send");
        } catch (RuntimeException notJson) {
            return false;
        }
    }

    List<JsonNode> exchange(Map<String, ?> frame) {
        return exchange(TestJson.body(frame));
    }

    /** Sends a ping and returns the frames that arrived before its pong. */
    List<JsonNode> untilPong() {
        String id = "probe-" + PINGS.incrementAndGet();
        sendRaw(TestJson.body(Map.of("type", "ping", "id", id)));
        List<JsonNode> before = new ArrayList<>();
        while (true) {
            JsonNode frame = next();
            if (frame.path("type").asText().equals("pong") && frame.path("id").asText().equals(id)) {
                return before;
            }
            before.add(frame);
        }
    }

    JsonNode next() {
        try {
            JsonNode frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + WAIT + (closeCode.get() >= 0
                        ? " (the server closed the connection with " + closeCode.get() + ")" : ""));
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode next(String type) {
        return next(frame -> frame.path("type").asText().equals(type));
    }

    /** The next frame that matches, dropping the others. */
    JsonNode next(Predicate<JsonNode> wanted) {
        while (true) {
            JsonNode frame = next();
            if (wanted.test(frame)) {
                return frame;
            }
        }
    }

    /** The server's close code, or -1 while open. */
    int closeCode() {
        return closeCode.get();
    }

    boolean isOpen() {
        return !socket.isInputClosed() && closeCode.get() < 0;
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(TestJson.JSON.readTree(partial.toString()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("the server sent a frame that is not JSON: " + partial, e);
                }
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.set(statusCode);
            return null;
        }
    }
}
