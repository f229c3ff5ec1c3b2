package io.backchannel.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A restart on the same data directory loses nothing: history, seqs, dedup memory and tokens. */
class RestartTest {

    @Test
    void aRestartKeepsHistorySeqsDedupMemoryAndTokens(@TempDir Path data) {
        User alice;
        String team;
        String channel;
        Response acked;
        try (RunningServer server = RunningServer.start(data)) {
            Api api = new Api(server.baseUrl());
            alice = api.signUp("alice");
            team = api.createTeam(alice);
            channel = api.createChannel(alice, team, false);
            for (int i = 1; i < 5; i++) {
                api.send(alice, channel, "before-" + i, "before restart " + i).block().expect(201);
            }
            acked = api.send(alice, channel, "last-before", "the last one").block().expect(201);
            api.awaitProjected(alice, channel, acked.number("seq"));
        }

        try (RunningServer server = RunningServer.start(data)) {
            Api api = new Api(server.baseUrl());
            JsonNode history = api.get("/api/channels/" + channel + "/messages", alice).expect(200).body();
            assertThat(history.path("messages")).extracting(message -> message.path("text").asText())
                    .containsExactly("before restart 1", "before restart 2", "before restart 3", "before restart 4",
                            "the last one");

            Response retry = api.send(alice, channel, "last-before", "the last one").block().expect(200);
            assertThat(retry.body()).isEqualTo(acked.body());

            Response next = api.send(alice, channel, "after", "after restart").block().expect(201);
            assertThat(next.number("seq")).isEqualTo(acked.number("seq") + 1);

            // The boot cache warmed from the projections at start-up and follows the new send.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    api.get("/actuator/health", null).body().path("components").path("bootCache").path("status")
                            .asText()).isEqualTo("UP"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode boot = api.get("/api/teams/" + team + "/boot", alice).expect(200).body();
                assertThat(boot.path("channels").findValues("channelId")).extracting(JsonNode::asText).contains(channel);
                boot.path("channels").forEach(entry -> {
                    if (entry.path("channelId").asText().equals(channel)) {
                        assertThat(entry.path("lastSeq").asLong()).isEqualTo(next.number("seq"));
                    }
                });
            });
        }
    }
}
