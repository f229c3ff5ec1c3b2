package io.backchannel.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The REST half of API.md over reactor-netty: JSON in, status + JSON out. Loopback only. */
final class Client implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    record User(String userId, String username, String token) {
    }

    record Resp(int status, HttpHeaders headers, String body, int bytes) {
        JsonNode json() {
            return parse(body);
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        Resp expect(int... statuses) {
            for (int s : statuses) {
                if (s == status) {
                    return this;
                }
            }
            throw new BenchException("unexpected HTTP " + status + ": " + abbreviate(body));
        }
    }

    private final String baseUrl;
    private final ConnectionProvider pool;
    private final HttpClient http;

    Client(String baseUrl, int maxConnections) {
        this.baseUrl = requireLoopback(baseUrl);
        this.pool = ConnectionProvider.builder("bench-rest")
                .maxConnections(maxConnections)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(120))
                .maxIdleTime(Duration.ofSeconds(20))
                .build();
        this.http = HttpClient.create(pool).remoteAddress(() -> loopbackAddress(this.baseUrl)).responseTimeout(TIMEOUT);
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Refuses anything but a loopback address: the bench never sends load elsewhere. */
    static String requireLoopback(String url) {
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (!"http".equals(uri.getScheme()) || host == null
                || !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]") || host.equals("::1"))) {
            throw new BenchException("refusing " + url + ": the bench only talks to http://127.0.0.1:PORT or http://localhost:PORT");
        }
        String out = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return out;
    }

    /**
     * The socket address to connect to, built without any name lookup: 127.0.0.1 (or ::1) and the
     * URL's port. Clients connect there and send relative URIs, so no request can leave loopback and
     * no DNS query is ever made.
     */
    static java.net.InetSocketAddress loopbackAddress(String url) {
        URI uri = URI.create(requireLoopback(url));
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        byte[] ip = uri.getHost().contains(":") ? new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
                : new byte[]{127, 0, 0, 1};
        try {
            return new java.net.InetSocketAddress(java.net.InetAddress.getByAddress("localhost", ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new BenchException("bad loopback address: " + e.getMessage());
        }
    }

    /** A client that opens a connection of its own for each request or stream, to a loopback {@code baseUrl}. */
    static HttpClient unpooled(String baseUrl) {
        String url = requireLoopback(baseUrl);
        return HttpClient.newConnection().remoteAddress(() -> loopbackAddress(url));
    }

    Mono<Resp> call(HttpMethod method, String path, String token, Object body) {
        String payload = body == null ? null : body instanceof String raw ? raw : write(body);
        HttpClient client = http.headers(h -> {
            if (token != null) {
                h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
            }
            if (payload != null) {
                h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            }
        });
        HttpClient.RequestSender sender = client.request(method).uri(path);
        HttpClient.ResponseReceiver<?> receiver = payload == null ? sender
                : sender.send(ByteBufMono.fromString(Mono.just(payload)));
        return receiver.responseSingle((response, content) -> content.asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .map(bytes -> new Resp(response.status().code(), response.responseHeaders(),
                                new String(bytes, StandardCharsets.UTF_8), bytes.length)))
                .timeout(TIMEOUT);
    }

    Mono<Resp> get(String path, String token) {
        return call(HttpMethod.GET, path, token, null);
    }

    record Sized(int status, long bytes) {
    }

    /**
     * A GET that keeps only the status and the body's size, never copying the body: for timing large
     * answers without the bench's own garbage (and its GC pauses) in the figures.
     */
    Mono<Sized> getSize(String path, String token) {
        return http.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token))
                .get().uri(path)
                .response((response, body) -> body.map(buffer -> (long) buffer.readableBytes())
                        .reduce(0L, Long::sum)
                        .map(bytes -> new Sized(response.status().code(), bytes)))
                .single()
                .timeout(TIMEOUT);
    }

    Mono<Resp> post(String path, String token, Object body) {
        return call(HttpMethod.POST, path, token, body);
    }

    // --- the calls the scenarios need -------------------------------------------------------

    Mono<User> signUp(String username) {
        return post("/api/auth/signup", null, Map.of("username", username, "displayName", username))
                .map(r -> {
                    JsonNode json = r.expect(201).json();
                    return new User(json.path("userId").asText(), username, json.path("token").asText());
                });
    }

    Mono<String> createTeam(User owner, String name) {
        return post("/api/teams", owner.token(), Map.of("name", name))
                .map(r -> r.expect(201).json().path("teamId").asText());
    }

    Mono<String> createChannel(User owner, String teamId, String name) {
        return post("/api/teams/" + teamId + "/channels", owner.token(), Map.of("name", name, "private", false))
                .map(r -> r.expect(201).json().path("channelId").asText());
    }

    Mono<Void> joinTeam(User user, String teamId) {
        return post("/api/teams/" + teamId + "/members", user.token(), "").doOnNext(r -> r.expect(200)).then();
    }

    Mono<Void> joinChannel(User user, String channelId) {
        return post("/api/channels/" + channelId + "/members", user.token(), Map.of()).doOnNext(r -> r.expect(200)).then();
    }

    Mono<Long> lastSeq(User user, String channelId) {
        return get("/api/channels/" + channelId, user.token()).map(r -> r.expect(200).json().path("lastSeq").asLong());
    }

    Mono<Resp> send(User user, String channelId, String clientMsgId, String text) {
        return post("/api/channels/" + channelId + "/messages", user.token(),
                "{\"clientMsgId\":\"" + clientMsgId + "\",\"text\":\"" + text + "\"}");
    }

    /** The whole event log after {@code after}, page by page (200 per page). */
    List<JsonNode> events(User user, String channelId, long after) {
        List<JsonNode> out = new ArrayList<>();
        long cursor = after;
        while (true) {
            JsonNode page = get("/api/channels/" + channelId + "/events?limit=200&after=" + cursor, user.token())
                    .block().expect(200).json();
            JsonNode events = page.path("events");
            for (JsonNode event : events) {
                out.add(event);
            }
            if (!page.path("hasMore").asBoolean() || events.isEmpty()) {
                return out;
            }
            cursor = events.get(events.size() - 1).path("seq").asLong();
        }
    }

    /** Waits (polling) until the channel's projections show {@code seq}; returns the lastSeq seen. */
    long awaitLastSeq(User user, String channelId, long seq, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            last = lastSeq(user, channelId).block();
            if (last >= seq) {
                return last;
            }
            sleep(50);
        }
        return last;
    }

    static <T> List<T> parallel(int count, int concurrency, java.util.function.IntFunction<Mono<T>> task, Duration timeout) {
        return Flux.range(0, count)
                .flatMapSequential(i -> task.apply(i), Math.max(1, concurrency))
                .collectList()
                .block(timeout);
    }

    static JsonNode parse(String text) {
        if (text == null || text.isEmpty()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(10));
    }
}
