package io.backchannel.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.Awaitility;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that speaks only what API.md promises: HTTP, JSON and SSE. The blocking helpers are for a test's own
 * thread; load is generated with the {@link Mono} and {@link Flux} forms.
 */
public final class Api {

    private static final AtomicLong UNIQUE = new AtomicLong(System.nanoTime() % 1_000_000);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final WebClient web;

    public Api(String baseUrl) {
        this.web = WebClient.builder().baseUrl(baseUrl)
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
    }

    public record User(String userId, String username, String token) {
    }

    public record Response(int status, HttpHeaders headers, JsonNode body) {
        public Response expect(int expected) {
            assertThat(status).as("status of a response with body %s", body).isEqualTo(expected);
            return this;
        }

        public String text(String field) {
            return body.path(field).asText();
        }

        public long number(String field) {
            return body.path(field).asLong();
        }
    }

    public static String unique(String prefix) {
        return prefix + UNIQUE.incrementAndGet();
    }

    public Mono<Response> call(HttpMethod method, String path, String token, Object body, Consumer<HttpHeaders> headers) {
        WebClient.RequestBodySpec request = web.method(method).uri(path).headers(h -> {
            if (token != null) {
                h.setBearerAuth(token);
            }
            headers.accept(h);
        });
        WebClient.RequestHeadersSpec<?> spec = body == null ? request
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(TestJson.body(body));
        return spec.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(text -> new Response(response.statusCode().value(), response.headers().asHttpHeaders(),
                                TestJson.parse(text))))
                .timeout(TIMEOUT);
    }

    public Response get(String path, User user) {
        return call(HttpMethod.GET, path, token(user), null, h -> { }).block();
    }

    public Response post(String path, User user, Object body) {
        return call(HttpMethod.POST, path, token(user), body, h -> { }).block();
    }

    public Response patch(String path, User user, Object body) {
        return call(HttpMethod.PATCH, path, token(user), body, h -> { }).block();
    }

    public Response delete(String path, User user) {
        return call(HttpMethod.DELETE, path, token(user), null, h -> { }).block();
    }

    public User signUp(String username, String displayName) {
        Response response = post("/api/auth/signup", null, Map.of("username", username, "displayName", displayName))
                .expect(201);
        return new User(response.text("userId"), username, response.text("token"));
    }

    public User signUp(String prefix) {
        return signUp(unique(prefix), prefix);
    }

    public String createTeam(User owner) {
        return post("/api/teams", owner, Map.of("name", unique("team"))).expect(201).text("teamId");
    }

    public String generalOf(User member, String teamId) {
        JsonNode boot = get("/api/teams/" + teamId + "/boot", member).expect(200).body();
        for (JsonNode channel : boot.path("channels")) {
            if ("general".equals(channel.path("name").asText())) {
                return channel.path("channelId").asText();
            }
        }
        throw new AssertionError("no general channel in " + boot);
    }

    public String createChannel(User owner, String teamId, boolean isPrivate) {
        return createChannel(owner, teamId, unique("ch"), isPrivate);
    }

    public String createChannel(User owner, String teamId, String name, boolean isPrivate) {
        return post("/api/teams/" + teamId + "/channels", owner, Map.of("name", name, "private", isPrivate))
                .expect(201).text("channelId");
    }

    public void joinTeam(User user, String teamId) {
        post("/api/teams/" + teamId + "/members", user, null).expect(200);
    }

    public void joinChannel(User user, String channelId) {
        post("/api/channels/" + channelId + "/members", user, Map.of()).expect(200);
    }

    public void addToChannel(User member, String channelId, User other) {
        post("/api/channels/" + channelId + "/members", member, Map.of("userId", other.userId())).expect(200);
    }

    public Mono<Response> send(User user, String channelId, String clientMsgId, String text) {
        return send(user, channelId, clientMsgId, text, null);
    }

    /** A message, or with a {@code threadSeq} a reply in that message's thread. */
    public Mono<Response> send(User user, String channelId, String clientMsgId, String text, Long threadSeq) {
        Map<String, Object> body = threadSeq == null
                ? Map.of("clientMsgId", clientMsgId, "text", text)
                : Map.of("clientMsgId", clientMsgId, "text", text, "threadSeq", threadSeq);
        return call(HttpMethod.POST, "/api/channels/" + channelId + "/messages", user.token(), body, h -> { });
    }

    /** Reads are eventually consistent: waits until the channel's projections show {@code seq}. */
    public void awaitProjected(User user, String channelId, long seq) {
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/api/channels/" + channelId, user).expect(200).number("lastSeq"), last -> last >= seq);
    }

    /** Every event of the channel's log, read page by page through the events endpoint. */
    public Flux<JsonNode> allEvents(User user, String channelId) {
        return pages(user, "/api/channels/" + channelId + "/events", "events");
    }

    public List<JsonNode> events(User reader, String channelId) {
        return allEvents(reader, channelId).collectList().block();
    }

    /** The whole history, oldest first. */
    public List<JsonNode> history(User reader, String channelId) {
        return pages(reader, "/api/channels/" + channelId + "/messages", "messages").collectList().block();
    }

    public List<JsonNode> replies(User reader, String channelId, long threadSeq) {
        return pages(reader, "/api/channels/" + channelId + "/messages/" + threadSeq + "/replies", "messages")
                .collectList().block();
    }

    /** A paged list, oldest first, page by page with {@code after}: the {@code field} of every page in turn. */
    private Flux<JsonNode> pages(User reader, String path, String field) {
        return Flux.defer(() -> pagesAfter(reader, path, field, -1));
    }

    private Flux<JsonNode> pagesAfter(User reader, String path, String field, long after) {
        return call(HttpMethod.GET, path + "?limit=200&after=" + after, reader.token(), null, h -> { })
                .flatMapMany(response -> {
                    response.expect(200);
                    JsonNode items = response.body().path(field);
                    Flux<JsonNode> page = Flux.fromIterable(items);
                    if (!response.body().path("hasMore").asBoolean() || items.isEmpty()) {
                        return page;
                    }
                    long last = items.get(items.size() - 1).path("seq").asLong();
                    return page.concatWith(Flux.defer(() -> pagesAfter(reader, path, field, last)));
                });
    }

    /** The channel's SSE stream, events only (comments dropped), with headers as given. */
    public Flux<ServerSentEvent<String>> stream(String pathAndQuery, String token, Consumer<HttpHeaders> headers) {
        return streamWithComments(pathAndQuery, token, headers).filter(event -> event.event() != null);
    }

    /**
     * The stream's events, after the {@code connected} comment that opens it (keepalives dropped), so a
     * test can act once the server has set the stream up.
     */
    public Flux<ServerSentEvent<String>> streamOpened(String pathAndQuery, String token, Consumer<HttpHeaders> headers) {
        return streamWithComments(pathAndQuery, token, headers)
                .filter(event -> !"keepalive".equals(event.comment()));
    }

    /** The SSE stream as sent, comment lines included. */
    public Flux<ServerSentEvent<String>> streamWithComments(String pathAndQuery, String token, Consumer<HttpHeaders> headers) {
        return web.get().uri(pathAndQuery)
                .headers(h -> {
                    if (token != null) {
                        h.setBearerAuth(token);
                    }
                    headers.accept(h);
                })
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { });
    }

    private static String token(User user) {
        return user == null ? null : user.token();
    }
}
