package io.backchannel.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A restart on the same data directory loses nothing: history, seqs, dedup memory and tokens. */
class RestartTest {

    @Test
    void aRestartKeepsHistorySeqsDedupMemoryAndTokens(@TempDir Path data) {
        User alice;
        String channel;
        Response acked;
        try (RunningServer server = RunningServer.start(data)) {
            Api api = new Api(server.baseUrl());
            alice = api.signUp("alice");
            String team = api.createTeam(alice);
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
        }
    }
}
