package io.backchannel.standalone.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.WsClient;
import io.backchannel.standalone.reliability.Client.Response;
import io.backchannel.standalone.reliability.Client.User;
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
 * exactly once.
 */
class SendStallTest {

    @Test
    void aSendNotConfirmedInTimeIsAnsweredAndItsRetryFindsItStoredOnce(@TempDir Path data) {
        try (InProcessServer server = InProcessServer.start(data, List.of(CommandStalls.class),
                "--backchannel.send.timeout=1s")) {
            CommandStalls stalls = server.bean(CommandStalls.class);
            Client api = new Client(server.baseUrl());
            User alice = api.signUp("alice");
            String team = api.createTeam(alice);
            String channel = api.createChannel(alice, team, "stalls", false);

            Response unconfirmed = api.send(alice, channel, "held-http", HELD, null).expect(503);
            assertThat(unconfirmed.headers().getFirst("Retry-After")).isEqualTo("1");
            assertThat(unconfirmed.headers().getContentType()).hasToString("application/problem+json");
            assertThat(unconfirmed.text("detail")).contains("retry with the same clientMsgId");

            try (WsClient ws = WsClient.connect(server.baseUrl(), alice.token())) {
                ws.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "held-ws", "text", HELD));
                JsonNode error = ws.next("error");
                assertThat(error.path("code").asText()).isEqualTo("unconfirmed");
                assertThat(error.path("clientMsgId").asText()).isEqualTo("held-ws");

                // The held commands still wait, and the channel is not theirs: the next send goes through.
                api.send(alice, channel, "after", "after the held ones", null).expect(201);

                stalls.release();
                Response retried = api.send(alice, channel, "held-http", HELD, null);
                assertThat(retried.status()).isIn(200, 201);
                ws.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "held-ws", "text", HELD));
                assertThat(ws.next("ack").path("clientMsgId").asText()).isEqualTo("held-ws");
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(api.history(alice, channel)).extracting(message -> message.path("clientMsgId").asText())
                            .containsExactlyInAnyOrder("after", "held-http", "held-ws"));
        }
    }
}
