package io.backchannel.standalone.security;

import io.backchannel.standalone.TestJson;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A raw HTTP client for the security tests, on the JDK's own client: any method, any bytes, any content type,
 * any header, so a test can send exactly the malformed request it means to, and read streams without a codec.
 */
final class Http {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicLong UNIQUE = new AtomicLong(System.nanoTime() % 1_000_000);

    private final String baseUrl;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    Http(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    String baseUrl() {
        return baseUrl;
    }

    record Reply(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            return TestJson.parse(body);
        }

        String detail() {
            return json().path("detail").asText(null);
        }

        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        String text(String field) {
            return json().path(field).asText();
        }

        long number(String field) {
            return json().path(field).asLong();
        }

        Reply expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected " + expected + " but got " + status + ": " + body);
            }
            return this;
        }
    }

    record User(String userId, String username, String token) {
    }

    static String unique(String prefix) {
        return prefix + UNIQUE.incrementAndGet();
    }

    /** Any request: {@code body} may be null (none), a String (sent as is), byte[] or an object (sent as JSON). */
    Reply call(String method, String pathAndQuery, String token, String contentType, Object body,
               Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.headers(), new String(response.body(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("the server dropped " + method + " " + pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path, String token) {
        return call("GET", path, token, null, null, Map.of());
    }

    Reply post(String path, String token, Object json) {
        return call("POST", path, token, json == null ? null : "application/json", json, Map.of());
    }

    Reply patch(String path, String token, Object json) {
        return call("PATCH", path, token, "application/json", json, Map.of());
    }

    Reply delete(String path, String token) {
        return call("DELETE", path, token, null, null, Map.of());
    }

    /**
     * Opens an SSE stream and reads until its first line (the {@code : connected} comment), then hangs up:
     * the status, and for a refusal the problem detail.
     */
    Reply openStream(String pathAndQuery, String token) {
        return readStream(pathAndQuery, token, Map.of(), line -> true, Duration.ofSeconds(30)).reply();
    }

    record StreamRead(Reply reply, List<String> lines) {
    }

    /**
     * Reads an SSE stream line by line until {@code until} accepts a line (or the stream ends), then hangs up.
     * A refusal (not 200) is read whole into the reply's body.
     */
    StreamRead readStream(String pathAndQuery, String token, Map<String, String> headers, Predicate<String> until,
                          Duration within) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET()
                .header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        CompletableFuture<StreamRead> read = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .thenApplyAsync(response -> {
                    try (InputStream body = response.body()) {
                        if (response.statusCode() != 200) {
                            return new StreamRead(new Reply(response.statusCode(), response.headers(),
                                    new String(body.readAllBytes(), StandardCharsets.UTF_8)), List.of());
                        }
                        List<String> lines = new ArrayList<>();
                        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
                        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                            lines.add(line);
                            if (until.test(line)) {
                                break;
                            }
                        }
                        return new StreamRead(new Reply(200, response.headers(), String.join("\n", lines)), lines);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        try {
            return read.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            read.cancel(true);
            throw new AssertionError("no line of " + pathAndQuery + " matched within " + within);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading " + pathAndQuery, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An SSE stream held open: the status once the headers are in, then its lines as they come (read on a
     * thread of its own), until {@link Live#close()} hangs up.
     */
    Live live(String pathAndQuery, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET()
                .header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<InputStream> response = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Live(response);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("opening " + pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static final class Live implements AutoCloseable {
        private static final String END = "\u0000end";
        private final HttpResponse<InputStream> response;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Reply refusal;

        private Live(HttpResponse<InputStream> response) {
            this.response = response;
            if (response.statusCode() != 200) {
                try (InputStream body = response.body()) {
                    refusal = new Reply(response.statusCode(), response.headers(),
                            new String(body.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return;
            }
            refusal = null;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // hung up
                } finally {
                    lines.add(END);
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        int status() {
            return response.statusCode();
        }

        /** The refusal (status not 200), read whole; null for an open stream. */
        Reply refusal() {
            return refusal;
        }

        /** Lines up to and including the first that {@code until} accepts; fails if none does within {@code within}. */
        List<String> readUntil(Predicate<String> until, Duration within) {
            List<String> read = new ArrayList<>();
            long deadline = System.nanoTime() + within.toNanos();
            try {
                while (true) {
                    String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (line == null || END.equals(line)) {
                        throw new AssertionError("the stream " + (line == null ? "said nothing matching within " + within
                                : "ended") + "; read: " + read);
                    }
                    read.add(line);
                    if (until.test(line)) {
                        return read;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    // The world, built the way a client builds it.

    User signUp(String prefix) {
        String username = unique(prefix);
        Reply reply = post("/api/auth/signup", null, Map.of("username", username, "displayName", prefix)).expect(201);
        return new User(reply.text("userId"), username, reply.text("token"));
    }

    String createTeam(User owner) {
        return post("/api/teams", owner.token(), Map.of("name", unique("team"))).expect(201).text("teamId");
    }

    String createChannel(User owner, String teamId, boolean isPrivate) {
        return post("/api/teams/" + teamId + "/channels", owner.token(),
                Map.of("name", unique("ch"), "private", isPrivate)).expect(201).text("channelId");
    }

    void joinTeam(User user, String teamId) {
        post("/api/teams/" + teamId + "/members", user.token(), null).expect(200);
    }

    void joinChannel(User user, String channelId) {
        post("/api/channels/" + channelId + "/members", user.token(), Map.of()).expect(200);
    }

    void addToChannel(User by, String channelId, User added) {
        post("/api/channels/" + channelId + "/members", by.token(), Map.of("userId", added.userId())).expect(200);
    }

    Reply send(User user, String channelId, String clientMsgId, String text) {
        return post("/api/channels/" + channelId + "/messages", user.token(),
                Map.of("clientMsgId", clientMsgId, "text", text));
    }

    long lastSeq(User user, String channelId) {
        return get("/api/channels/" + channelId, user.token()).expect(200).number("lastSeq");
    }

    private static byte[] bytes(Object body) {
        if (body instanceof byte[] raw) {
            return raw;
        }
        return TestJson.body(body).getBytes(StandardCharsets.UTF_8);
    }
}
