package io.backchannel.standalone.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.Api;
import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import io.backchannel.standalone.TestJson;
import io.backchannel.standalone.WsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Projection rebuild: an operator drops every projection and replays the event store into them, and
 * everything a client can read comes back identical: boots, members, channels, raw event logs, history,
 * thread replies and (once the endpoint exists) search, for every user and every channel they can see.
 * Only an admin may ask; the boot caches reload from the rebuilt projections, at once.
 */
class RebuildTest {

    private static final String OPERATOR = "ops-rebuild";
    private static final List<String> SEARCH_WORDS = List.of("hello", "thread", "secret", "edited");

    @Test
    void aRebuildFromTheEventStoreGivesBackEveryReadUnchanged(@TempDir Path data, TestReporter reporter) {
        try (InProcessServer server = InProcessServer.start(data, "--backchannel.admin.usernames=" + OPERATOR)) {
            Api api = new Api(server.baseUrl());
            User operator = api.signUp(OPERATOR, "Operator");
            User alice = api.signUp("alice");
            User bob = api.signUp("bob");
            User carol = api.signUp("carol");
            User dave = api.signUp("dave");

            // Only an operator: no token 401, a user's token 403, also for a look at the status.
            api.post("/api/admin/projections/rebuild", null, null).expect(401);
            api.post("/api/admin/projections/rebuild", alice, null).expect(403);
            api.get("/api/admin/projections", alice).expect(403);
            api.get("/api/admin/projections", null).expect(401);

            DataSet set = DataSet.build(api, alice, bob, carol, dave);
            reporter.publishEntry("edits, deletes and reactions", set.edits ? "included" : "skipped (endpoints missing)");
            boolean withSearch = api.get("/api/teams/" + set.teamOne + "/search?q=hello", alice).status() == 200;
            reporter.publishEntry("search", withSearch ? "compared" : "skipped: GET /api/teams/{id}/search does not answer 200 yet");
            System.out.println("RebuildTest: search " + (withSearch ? "compared" : "SKIPPED (endpoint not there yet)"));

            awaitCaughtUp(api, operator);
            ReadModel before = ReadModel.read(api, set.teams, SEARCH_WORDS, withSearch);
            String bootVersionBefore = api.get("/api/teams/" + set.teamOne + "/boot", alice).expect(200).text("version");

            JsonNode started = api.post("/api/admin/projections/rebuild", operator, null).expect(202).body();
            List<String> dropped = new ArrayList<>();
            started.path("droppedCollections").forEach(name -> dropped.add(name.asText()));
            assertThat(dropped).contains("channel_events", "messages", "channels", "channel_members", "users", "teams",
                    "team_members", "read_markers").doesNotContain("trackingtokens");
            assertThat(started.path("replayUntil").asLong()).isPositive();

            JsonNode done = awaitCaughtUp(api, operator);
            assertThat(done.path("position").asLong()).isGreaterThanOrEqualTo(started.path("replayUntil").asLong());
            ReadModel after = ReadModel.read(api, set.teams, SEARCH_WORDS, withSearch);

            assertThat(after.entries()).isEqualTo(before.entries());
            assertThat(after.sha256()).isEqualTo(before.sha256());
            // The boot cache reloaded the team from the rebuilt projections: a new load, a new version epoch.
            String bootVersionAfter = api.get("/api/teams/" + set.teamOne + "/boot", alice).expect(200).text("version");
            assertThat(epoch(bootVersionAfter)).isNotEqualTo(epoch(bootVersionBefore));

            String summary = "compared " + before.size() + " reads, sha256 " + before.sha256() + ", replayed "
                    + (started.path("replayUntil").asLong() + 1) + " events, dropped " + dropped;
            reporter.publishEntry("rebuild", summary);
            System.out.println("RebuildTest: " + summary);
        }
    }

    /**
     * A rebuild ends the boot cache's team updates; the team loads again at once, so connections open
     * through the rebuild still hear of a channel their user is added to: the WebSocket by its
     * {@code joined} frame, the team stream by following the channel from its {@code member.joined}.
     */
    @Test
    void connectionsOpenThroughARebuildStillHearOfTheChannelsTheirUserJoins(@TempDir Path data) {
        try (InProcessServer server = InProcessServer.start(data, "--backchannel.admin.usernames=" + OPERATOR)) {
            Api api = new Api(server.baseUrl());
            User operator = api.signUp(OPERATOR, "Operator");
            User alice = api.signUp("alice");
            User carol = api.signUp("carol");
            String team = api.createTeam(alice);
            api.joinTeam(carol, team);

            List<JsonNode> teamStream = new CopyOnWriteArrayList<>();
            Disposable following = api.streamOpened("/api/teams/" + team + "/stream", carol.token(), h -> { })
                    .subscribe(event -> teamStream.add(TestJson.parse(event.data() == null ? "{}" : event.data())));
            try (WsClient socket = WsClient.connect(server.baseUrl(), carol.token())) {
                socket.next("hello");
                await().atMost(Duration.ofSeconds(30)).until(() -> !teamStream.isEmpty()); // opened

                api.post("/api/admin/projections/rebuild", operator, null).expect(202);
                awaitCaughtUp(api, operator);
                String secret = api.createChannel(alice, team, "after-rebuild", true);
                api.addToChannel(alice, secret, carol);

                assertThat(socket.next("joined").path("channelId").asText()).isEqualTo(secret);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(teamStream).anySatisfy(event -> {
                    assertThat(event.path("channelId").asText()).isEqualTo(secret);
                    assertThat(event.path("type").asText()).isEqualTo("member.joined");
                    assertThat(event.path("userId").asText()).isEqualTo(carol.userId());
                }));
            } finally {
                following.dispose();
            }
        }
    }

    private static String epoch(String version) {
        return version.substring(0, version.indexOf('.'));
    }

    /** Until the projections have handled every event stored, with no error. */
    static JsonNode awaitCaughtUp(Api api, User operator) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .alias("projections caught up (last status seen: see the report)")
                .untilAsserted(() -> {
                    JsonNode status = api.get("/api/admin/projections", operator).expect(200).body();
                    last[0] = status;
                    assertThat(status.path("error").isNull()).as("no error in %s", status).isTrue();
                    assertThat(status.path("replaying").asBoolean()).as("replay done in %s", status).isFalse();
                    assertThat(status.path("head").asLong()).as("head in %s", status).isNotNegative();
                    assertThat(status.path("position").asLong()).as("position in %s", status)
                            .isGreaterThanOrEqualTo(status.path("head").asLong());
                });
        return last[0];
    }

    /**
     * Two teams; public and private channels; joins, adds, a leave; messages from several users, thread
     * replies, a retried send; read markers; and edits, deletes and reactions where the API has them.
     */
    static final class DataSet {
        final Map<User, List<String>> teams = new LinkedHashMap<>();
        String teamOne;
        boolean edits;

        static DataSet build(Api api, User alice, User bob, User carol, User dave) {
            DataSet set = new DataSet();
            String t1 = api.createTeam(alice);
            String t2 = api.createTeam(bob);
            set.teamOne = t1;
            api.joinTeam(bob, t1);
            api.joinTeam(carol, t1);
            api.joinTeam(alice, t2);
            api.joinTeam(dave, t2);
            set.teams.put(alice, List.of(t1, t2));
            set.teams.put(bob, List.of(t1, t2));
            set.teams.put(carol, List.of(t1));
            set.teams.put(dave, List.of(t2));

            String general1 = api.generalOf(alice, t1);
            String general2 = api.generalOf(bob, t2);
            String pub1 = api.createChannel(alice, t1, "pub-one", false);
            String priv1 = api.createChannel(alice, t1, "priv-one", true);
            String pub2 = api.createChannel(carol, t1, "pub-two", false);
            String priv2 = api.createChannel(bob, t2, "priv-two", true);
            api.joinChannel(bob, pub1);
            api.joinChannel(carol, pub1);
            api.addToChannel(alice, priv1, bob);
            api.joinChannel(bob, pub2);
            api.delete("/api/channels/" + pub2 + "/members/" + bob.userId(), bob).expect(204);
            api.addToChannel(bob, priv2, dave);

            long root1 = api.send(alice, general1, "a-1", "hello everyone").block().expect(201).number("seq");
            api.send(bob, general1, "b-1", "hello alice").block().expect(201);
            api.send(carol, general1, "c-1", "a thread reply", root1).block().expect(201);
            api.send(bob, general1, "b-2", "another thread reply", root1).block().expect(201);
            api.send(bob, general1, "b-2", "another thread reply", root1).block().expect(200); // a retry: nothing new
            long root2 = api.send(alice, pub1, "a-2", "pub one says hello").block().expect(201).number("seq");
            api.send(carol, pub1, "c-2", "thread in pub one", root2).block().expect(201);
            long secret = api.send(alice, priv1, "a-3", "a secret for bob").block().expect(201).number("seq");
            api.send(bob, priv1, "b-3", "secret kept", secret).block().expect(201);
            long doomed = api.send(carol, pub2, "c-3", "hello from pub two, soon deleted").block().expect(201)
                    .number("seq");
            api.send(carol, pub2, "c-4", "hello from pub two").block().expect(201);
            api.send(bob, general2, "b-4", "hello team two").block().expect(201);
            api.send(dave, general2, "d-1", "hello bob").block().expect(201);
            long last2 = api.send(dave, priv2, "d-2", "secret of team two").block().expect(201).number("seq");
            for (int i = 0; i < 30; i++) {
                api.send(i % 2 == 0 ? alice : bob, general1, "bulk-" + i, "bulk message " + i + " hello").block()
                        .expect(201);
            }

            api.post("/api/channels/" + general1 + "/read", bob, Map.of("seq", root1)).expect(204);
            api.post("/api/channels/" + priv1 + "/read", bob, Map.of("seq", secret)).expect(204);
            api.post("/api/channels/" + priv2 + "/read", dave, Map.of("seq", last2)).expect(204);
            api.post("/api/channels/" + general1 + "/read", carol, Map.of("seq", root1 + 2)).expect(204);

            // Edits, deletes and reactions, where the API already has them.
            Response edited = api.patch("/api/channels/" + pub1 + "/messages/" + root2, alice,
                    Map.of("text", "pub one says hello, edited"));
            set.edits = edited.status() == 200;
            if (set.edits) {
                api.post("/api/channels/" + general1 + "/messages/" + root1 + "/reactions", bob,
                        Map.of("emoji", "tada")).expect(204);
                api.post("/api/channels/" + general1 + "/messages/" + root1 + "/reactions", carol,
                        Map.of("emoji", "tada")).expect(204);
                api.post("/api/channels/" + general1 + "/messages/" + root1 + "/reactions", carol,
                        Map.of("emoji", "eyes")).expect(204);
                api.delete("/api/channels/" + general1 + "/messages/" + root1 + "/reactions/eyes", carol).expect(204);
                api.delete("/api/channels/" + pub2 + "/messages/" + doomed, carol).expect(204);
            }
            return set;
        }
    }
}
