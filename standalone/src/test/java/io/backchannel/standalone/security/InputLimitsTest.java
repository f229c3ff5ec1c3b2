package io.backchannel.standalone.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.SharedServer;
import io.backchannel.standalone.security.Http.Reply;
import io.backchannel.standalone.security.Http.User;
import io.backchannel.standalone.TestJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The input limits, over HTTP and WebSocket alike: the 64 KiB body (declared or not), the frame limits (an
 * error frame up to 1 MiB, a close above), JSON nesting (32 levels), numbers beyond a long, strict types, and
 * unknown fields, which are ignored, so a client cannot smuggle in who it is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputLimitsTest {

    private final Http http = new Http(SharedServer.baseUrl());
    private User alice;
    private String channel;

    @BeforeAll
    void world() {
        alice = http.signUp("alice");
        String team = http.createTeam(alice);
        channel = http.createChannel(alice, team, false);
    }

    @Test
    void aBodyOverTheLimitIs413EvenWithoutAContentLength() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] body = TestJson.body(Map.of("clientMsgId", "chunked", "text", "x".repeat(70_000))).getBytes();
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(http.baseUrl() + "/api/channels/" + channel + "/messages"))
                .header("Authorization", "Bearer " + alice.token()).header("Content-Type", "application/json")
                // A stream of unknown length goes out chunked: no Content-Length for the early check to read.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        HttpResponse<String> response = client.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        Reply declared = http.post("/api/channels/" + channel + "/messages", alice.token(),
                Map.of("clientMsgId", "declared", "text", "x".repeat(70_000)));
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.detail()).contains("64 KiB");
    }

    @Test
    void nestingBeyond32LevelsIsRefusedOverHttpAndWebSocket() {
        String deep = "{\"clientMsgId\":\"deep\",\"text\":\"x\",\"extra\":" + "[".repeat(40) + "]".repeat(40) + "}";
        Reply tooDeep = http.post("/api/channels/" + channel + "/messages", alice.token(), deep);
        assertThat(tooDeep.status()).isEqualTo(400);
        assertThat(tooDeep.detail()).contains("nested too deeply");
        // Within the limit, an unknown nested field is simply ignored.
        String fine = "{\"clientMsgId\":\"shallow\",\"text\":\"x\",\"extra\":" + "[".repeat(20) + "]".repeat(20) + "}";
        http.post("/api/channels/" + channel + "/messages", alice.token(), fine).expect(201);

        try (Ws ws = Ws.connect(http.baseUrl(), alice.token())) {
            ws.next("hello");
            List<JsonNode> answers = ws.exchange("{\"type\":\"ping\",\"id\":" + "[".repeat(40) + "]".repeat(40) + "}");
            assertThat(answers).singleElement().satisfies(error -> {
                assertThat(error.path("type").asText()).isEqualTo("error");
                assertThat(error.path("code").asText()).isEqualTo("bad_frame");
            });
            List<JsonNode> deepSend = ws.exchange("{\"type\":\"send\",\"channelId\":\"" + channel
                    + "\",\"clientMsgId\":\"ws-deep\",\"text\":\"x\",\"extra\":" + "{\"a\":".repeat(5_000) + "1"
                    + "}".repeat(5_000) + "}");
            assertThat(deepSend).extracting(frame -> frame.path("code").asText()).containsExactly("bad_frame");
        }
    }

    @Test
    void unknownFieldsAreIgnoredAndCannotChangeWhoSends() {
        User mallory = http.signUp("mallory");
        http.joinTeam(mallory, teamOf(channel));
        http.joinChannel(mallory, channel);
        Reply sent = http.post("/api/channels/" + channel + "/messages", mallory.token(), Map.of("clientMsgId", "spoof",
                "text", "who am I?", "userId", alice.userId(), "channelId", "elsewhere", "seq", 0, "ts", "1970-01-01T00:00:00Z"));
        sent.expect(201);
        try (Ws ws = Ws.connect(http.baseUrl(), mallory.token())) {
            ws.next("hello");
            List<JsonNode> answers = ws.exchange(Map.of("type", "send", "channelId", channel, "clientMsgId", "ws-spoof",
                    "text", "and now?", "userId", alice.userId(), "unknown", Map.of("nested", List.of(1, 2))));
            assertThat(answers).extracting(frame -> frame.path("type").asText()).containsExactly("ack");
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode messages = http.get("/api/channels/" + channel + "/messages", alice.token()).expect(200).json()
                    .path("messages");
            List<JsonNode> spoofed = StreamSupport.stream(messages.spliterator(), false)
                    .filter(message -> message.path("clientMsgId").asText().endsWith("spoof")).toList();
            assertThat(spoofed).hasSize(2).allSatisfy(message -> {
                assertThat(message.path("userId").asText()).isEqualTo(mallory.userId());
                assertThat(message.path("channelId").asText()).isEqualTo(channel);
            });
            assertThat(spoofed.get(0).path("seq").asLong()).isPositive();
        });
    }

    @Test
    void numbersBeyondALongAndWrongTypesAreRefusedNotTruncated() {
        String messages = "/api/channels/" + channel + "/messages";
        http.send(alice, channel, "parent", "a thread starts here").expect(201);
        for (String threadSeq : List.of("18446744073709551617", "1e400", "1.0", "\"1\"", "true", "[1]", "9".repeat(1_100))) {
            Reply reply = http.post(messages, alice.token(), "{\"clientMsgId\":\"big\",\"text\":\"x\",\"threadSeq\":"
                    + threadSeq + "}");
            assertThat(reply.status()).as("threadSeq %s", threadSeq.length() > 30 ? "of 1,100 digits" : threadSeq)
                    .isEqualTo(400);
        }
        try (Ws ws = Ws.connect(http.baseUrl(), alice.token())) {
            ws.next("hello");
            // 2^64 + 1 would read as 1 if truncated to a long, a real seq: it must be refused instead.
            for (String threadSeq : List.of("18446744073709551617", "1e400", "1.0", "\"1\"", "true", "-1")) {
                List<JsonNode> answers = ws.exchange("{\"type\":\"send\",\"channelId\":\"" + channel
                        + "\",\"clientMsgId\":\"wsbig\",\"text\":\"x\",\"threadSeq\":" + threadSeq + "}");
                assertThat(answers).as("threadSeq %s", threadSeq).extracting(frame -> frame.path("code").asText())
                        .containsExactly("invalid");
            }
            for (String afterSeq : List.of("18446744073709551617", "1e400", "1.5", "\"0\"", "-2")) {
                List<JsonNode> answers = ws.exchange("{\"type\":\"subscribe\",\"channelId\":\"" + channel
                        + "\",\"afterSeq\":" + afterSeq + "}");
                assertThat(answers).as("afterSeq %s", afterSeq).extracting(frame -> frame.path("code").asText())
                        .containsExactly("invalid");
            }
        }
        // Strict types on the other bodies too.
        assertThat(http.post("/api/teams/" + teamOf(channel) + "/channels", alice.token(),
                "{\"name\":\"typed\",\"private\":1}").status()).isEqualTo(400);
        assertThat(http.post("/api/teams", alice.token(), "{\"name\":42}").status()).isEqualTo(400);
        assertThat(http.post("/api/channels/" + channel + "/read", alice.token(), "{\"seq\":\"0\"}").status())
                .isEqualTo(400);
        assertThat(http.post("/api/auth/signup", null, "{\"username\":true,\"displayName\":\"x\"}").status())
                .isEqualTo(400);
    }

    @Test
    void framesOverTheLimitGetAnErrorUpTo1MibAndAreClosedAbove() {
        try (Ws ws = Ws.connect(http.baseUrl(), alice.token())) {
            ws.next("hello");
            List<JsonNode> answers = ws.exchange("{\"type\":\"send\",\"channelId\":\"" + channel
                    + "\",\"clientMsgId\":\"huge\",\"text\":\"" + "h".repeat(1_000_000) + "\"}");
            assertThat(answers).extracting(frame -> frame.path("code").asText()).containsExactly("too_large");
            assertThat(ws.isOpen()).isTrue();

            // Above the hard limit the server does not read on: it closes the connection. (Reactor Netty closes
            // with 1002, protocol error, where WebSocketProperties' javadoc says 1009; either is a refusal.)
            ws.sendRaw("{\"type\":\"ping\",\"id\":\"" + "z".repeat(1_100_000) + "\"}");
            // Netty either sends a close frame or drops the connection outright; the client sees one or the other.
            await().atMost(Duration.ofSeconds(30)).until(() -> !ws.isOpen());
            assertThat(ws.closeCode()).as("close code, or -1 when the connection was dropped without one")
                    .isIn(1002, 1009, -1);
        }
        // Nothing of it was stored, and the next connection is served as usual.
        try (Ws again = Ws.connect(http.baseUrl(), alice.token())) {
            again.next("hello");
            assertThat(again.untilPong()).noneMatch(frame -> frame.path("type").asText().equals("error"));
        }
        assertThat(http.get("/api/channels/" + channel + "/messages", alice.token()).expect(200).body())
                .doesNotContain("hhhhhhhh");
    }

    @Test
    void contentAfterTheJsonValueIsRefusedOverHttpAndWebSocket() {
        for (String body : List.of("{\"clientMsgId\":\"t1\",\"text\":\"x\"} trailing",
                "{\"clientMsgId\":\"t2\",\"text\":\"x\"}{\"clientMsgId\":\"t3\",\"text\":\"y\"}",
                "{\"clientMsgId\":\"t4\",\"text\":\"x\"}]")) {
            Reply reply = http.post("/api/channels/" + channel + "/messages", alice.token(), body);
            assertThat(reply.status()).as("%s", body).isEqualTo(400);
        }
        try (Ws ws = Ws.connect(http.baseUrl(), alice.token())) {
            ws.next("hello");
            assertThat(ws.exchange("{\"type\":\"send\",\"channelId\":\"" + channel
                    + "\",\"clientMsgId\":\"t5\",\"text\":\"x\"} trailing"))
                    .extracting(frame -> frame.path("code").asText()).containsExactly("bad_frame");
        }
        assertThat(http.get("/api/channels/" + channel + "/messages", alice.token()).expect(200).json()
                .path("messages").findValuesAsText("clientMsgId")).doesNotContain("t1", "t2", "t3", "t4", "t5");
    }

    private String teamOf(String channelId) {
        return http.get("/api/channels/" + channelId, alice.token()).expect(200).text("teamId");
    }
}
