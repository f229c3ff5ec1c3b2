package io.backchannel.standalone.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.Api;
import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import io.backchannel.standalone.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.backchannel.standalone.reliability.CommandStalls.HELD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A send whose store does not confirm it in time is answered, not left hanging: 503 with {@code Retry-After}
 * over HTTP, an {@code unconfirmed} error frame naming it over WebSocket. Its channel goes on taking sends
 * meanwhile, and once the store answers, a retry with the same {@code clientMsgId} finds the message stored
 * exactly once. Over WebSocket, the frames after a waiting send are handled meanwhile.
 */
class SendStallTest {

    @Test
    void aSendNotConfirmedInTimeIsAnsweredAndItsRetryFindsItStoredOnce(@TempDir Path data) {
        try (InProcessServer server = InProcessServer.start(data, List.of(CommandStalls.class),
                "--backchannel.send.timeout=1s")) {
            CommandStalls stalls = server.bean(CommandStalls.class);
            Api api = new Api(server.baseUrl());
            User alice = api.signUp("alice");
            String team = api.createTeam(alice);
            String channel = api.createChannel(alice, team, "stalls", false);

            Response unconfirmed = api.send(alice, channel, "held-http", HELD).block().expect(503);
            assertThat(unconfirmed.headers().getFirst("Retry-After")).isEqualTo("1");
            assertThat(unconfirmed.headers().getContentType()).hasToString("application/problem+json");
            assertThat(unconfirmed.text("detail")).contains("retry with the same clientMsgId");

            try (WsClient ws = WsClient.connect(server.baseUrl(), alice.token())) {
                ws.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "held-ws", "text", HELD));
                JsonNode error = ws.next("error");
                assertThat(error.path("code").asText()).isEqualTo("unconfirmed");
                assertThat(error.path("clientMsgId").asText()).isEqualTo("held-ws");

                // The held commands still wait, and the channel is not theirs: the next send goes through.
                api.send(alice, channel, "after", "after the held ones").block().expect(201);

                stalls.release();
                Response retried = api.send(alice, channel, "held-http", HELD).block();
                assertThat(retried.status()).isIn(200, 201);
                ws.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "held-ws", "text", HELD));
                assertThat(ws.next("ack").path("clientMsgId").asText()).isEqualTo("held-ws");
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(api.history(alice, channel)).extracting(message -> message.path("clientMsgId").asText())
                            .containsExactlyInAnyOrder("after", "held-http", "held-ws"));
        }
    }

    @Test
    void aSendWaitingForItsStoreDoesNotHoldTheFramesAfterIt(@TempDir Path data) {
        try (InProcessServer server = InProcessServer.start(data, List.of(CommandStalls.class))) {
            CommandStalls stalls = server.bean(CommandStalls.class);
            Api api = new Api(server.baseUrl());
            User alice = api.signUp("alice");
            String team = api.createTeam(alice);
            String held = api.createChannel(alice, team, "held", false);
            String other = api.createChannel(alice, team, "other", false);

            try (WsClient ws = WsClient.connect(server.baseUrl(), alice.token())) {
                ws.next("hello");
                ws.send(Map.of("type", "send", "channelId", held, "clientMsgId", "waiting", "text", HELD));
                ws.send(Map.of("type", "ping", "id", "meanwhile"));
                ws.send(Map.of("type", "send", "channelId", other, "clientMsgId", "next", "text", "not held"));

                JsonNode first = ws.next(frame -> frame.path("type").asText().matches("pong|ack|error"));
                assertThat(first.path("type").asText()).as("first answer: %s", first).isEqualTo("pong");
                JsonNode next = ws.next(frame -> frame.path("type").asText().matches("ack|error"));
                assertThat(next.path("type").asText()).isEqualTo("ack");
                assertThat(next.path("clientMsgId").asText()).isEqualTo("next");

                stalls.release();
                JsonNode waiting = ws.next(frame -> frame.path("type").asText().matches("ack|error"));
                assertThat(waiting.path("type").asText()).isEqualTo("ack");
                assertThat(waiting.path("clientMsgId").asText()).isEqualTo("waiting");
            }
        }
    }
}
