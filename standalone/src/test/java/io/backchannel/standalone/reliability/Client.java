package io.backchannel.standalone.reliability;

import io.backchannel.standalone.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the reliability tests need of a client: HTTP and JSON as API.md describes them, nothing else. Blocking
 * helpers are for the test thread only; the load generators use the {@link Mono} forms.
 */
final class Client {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicLong UNIQUE = new AtomicLong(System.nanoTime() % 1_000_000);

    private final WebClient web;
    private final String baseUrl;

    Client(String baseUrl) {
        this.baseUrl = baseUrl;
        this.web = WebClient.builder().baseUrl(baseUrl)
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
    }

    record User(String userId, String username, String token) {
    }

    record Response(int status, HttpHeaders headers, JsonNode body) {
        Response expect(int expected) {
            assertThat(status).as("status of a response with body %s", body).isEqualTo(expected);
            return this;
        }

        String text(String field) {
            return body.path(field).asText();
        }

        long number(String field) {
            return body.path(field).asLong();
        }
    }

    String baseUrl() {
        return baseUrl;
    }

    static String unique(String prefix) {
        return prefix + UNIQUE.incrementAndGet();
    }

    Mono<Response> call(HttpMethod method, String path, String token, Object body) {
        WebClient.RequestBodySpec request = web.method(method).uri(path).headers(h -> {
            if (token != null) {
                h.setBearerAuth(token);
            }
        });
        WebClient.RequestHeadersSpec<?> spec = body == null ? request
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(TestJson.body(body));
        return spec.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                .map(text -> new Response(response.statusCode().value(), response.headers().asHttpHeaders(),
                        TestJson.parse(text))));
    }

    Response get(String path, User user) {
        return call(HttpMethod.GET, path, token(user), null).block(TIMEOUT);
    }

    Response post(String path, User user, Object body) {
        return call(HttpMethod.POST, path, token(user), body).block(TIMEOUT);
    }

    Response patch(String path, User user, Object body) {
        return call(HttpMethod.PATCH, path, token(user), body).block(TIMEOUT);
    }

    Response delete(String path, User user) {
        return call(HttpMethod.DELETE, path, token(user), null).block(TIMEOUT);
    }

    User signUp(String username, String displayName) {
        Response response = post("/api/auth/signup", null, Map.of("username", username, "displayName", displayName))
                .expect(201);
        return new User(response.text("userId"), username, response.text("token"));
    }

    User signUp(String prefix) {
        return signUp(unique(prefix), prefix);
    }

    String createTeam(User owner) {
        return post("/api/teams", owner, Map.of("name", unique("team"))).expect(201).text("teamId");
    }

    String generalOf(User member, String teamId) {
        JsonNode boot = get("/api/teams/" + teamId + "/boot", member).expect(200).body();
        for (JsonNode channel : boot.path("channels")) {
            if ("general".equals(channel.path("name").asText())) {
                return channel.path("channelId").asText();
            }
        }
        throw new AssertionError("no general channel in " + boot);
    }

    String createChannel(User owner, String teamId, String name, boolean isPrivate) {
        return post("/api/teams/" + teamId + "/channels", owner, Map.of("name", name, "private", isPrivate))
                .expect(201).text("channelId");
    }

    void joinTeam(User user, String teamId) {
        post("/api/teams/" + teamId + "/members", user, null).expect(200);
    }

    void joinChannel(User user, String channelId) {
        post("/api/channels/" + channelId + "/members", user, Map.of()).expect(200);
    }

    void addToChannel(User member, String channelId, User other) {
        post("/api/channels/" + channelId + "/members", member, Map.of("userId", other.userId())).expect(200);
    }

    Response send(User user, String channelId, String clientMsgId, String text, Long threadSeq) {
        return sendAsync(user, channelId, clientMsgId, text, threadSeq).block(TIMEOUT);
    }

    Mono<Response> sendAsync(User user, String channelId, String clientMsgId, String text, Long threadSeq) {
        Map<String, Object> body = threadSeq == null
                ? Map.of("clientMsgId", clientMsgId, "text", text)
                : Map.of("clientMsgId", clientMsgId, "text", text, "threadSeq", threadSeq);
        return call(HttpMethod.POST, "/api/channels/" + channelId + "/messages", user.token(), body);
    }

    /** Every event of the channel's log, page by page through the events endpoint. */
    List<JsonNode> events(User reader, String channelId) {
        return pages(reader, "/api/channels/" + channelId + "/events", "events");
    }

    /** The whole history, oldest first, page by page with {@code after}. */
    List<JsonNode> history(User reader, String channelId) {
        return pages(reader, "/api/channels/" + channelId + "/messages", "messages");
    }

    List<JsonNode> replies(User reader, String channelId, long threadSeq) {
        return pages(reader, "/api/channels/" + channelId + "/messages/" + threadSeq + "/replies", "messages");
    }

    private List<JsonNode> pages(User reader, String path, String field) {
        List<JsonNode> all = new ArrayList<>();
        long after = -1;
        while (true) {
            JsonNode page = get(path + "?limit=200&after=" + after, reader).expect(200).body();
            page.path(field).forEach(all::add);
            if (!page.path("hasMore").asBoolean() || page.path(field).isEmpty()) {
                return all;
            }
            after = all.get(all.size() - 1).path("seq").asLong();
        }
    }


    /**
     * A channel's SSE stream from after {@code afterSeq}, events only (comments dropped). It ends when the server
     * ends it; a client resumes by calling again with the last seq it saw, as an {@code EventSource} does with
     * {@code Last-Event-ID}.
     */
    Flux<ServerSentEvent<String>> stream(String channelId, User user, long afterSeq) {
        return web.get().uri("/api/channels/" + channelId + "/stream")
                .headers(h -> {
                    h.setBearerAuth(user.token());
                    h.set("Last-Event-ID", Long.toString(afterSeq));
                })
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.event() != null);
    }

    private static String token(User user) {
        return user == null ? null : user.token();
    }
}
