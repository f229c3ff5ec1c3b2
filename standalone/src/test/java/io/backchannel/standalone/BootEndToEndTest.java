package io.backchannel.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Flannel boot: served from the cache, equal to a fresh rebuild, and a safe place to resume from. */
class BootEndToEndTest {

    private final Api api = new Api(RunningServer.shared().baseUrl());

    @Test
    void aBootListsPublicChannelsAndOwnPrivateOnesWithReadStateAndUnreadCounts() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        Response created = api.post("/api/teams", alice, Map.of("name", "Acme")).expect(201);
        String team = created.text("teamId");
        String general = created.text("generalChannelId");
        api.joinTeam(bob, team);
        String secret = api.createChannel(alice, team, true);
        String mine = api.createChannel(bob, team, true);
        for (int i = 0; i < 3; i++) {
            api.send(alice, general, "a" + i, "from alice " + i).block().expect(201);
        }
        api.send(bob, general, "b0", "from bob").block().expect(201);

        // Sends answer once durable; the boot shows them as soon as the projections do.
        JsonNode boot = await().atMost(Duration.ofSeconds(30)).until(
                () -> api.get("/api/teams/" + team + "/boot", bob).expect(200).body(),
                answer -> byId(answer).get(general).path("lastSeq").asLong() == 5);

        assertThat(boot.path("team").path("teamId").asText()).isEqualTo(team);
        assertThat(boot.path("team").path("name").asText()).isEqualTo("Acme");
        assertThat(boot.path("team").path("memberCount").asLong()).isEqualTo(2);
        assertThat(boot.path("self").path("userId").asText()).isEqualTo(bob.userId());
        assertThat(boot.path("self").path("username").asText()).isEqualTo(bob.username());
        assertThat(boot.path("version").asText()).isNotBlank();
        Map<String, JsonNode> channels = byId(boot);
        assertThat(channels).containsOnlyKeys(general, mine).doesNotContainKey(secret);
        JsonNode generalForBob = channels.get(general);
        // general: created 0, alice's... bob joined at 1, then four posts at 2..5, one of them bob's own
        assertThat(generalForBob.path("isMember").asBoolean()).isTrue();
        assertThat(generalForBob.path("lastReadSeq").asLong()).isEqualTo(1);
        assertThat(generalForBob.path("lastSeq").asLong()).isEqualTo(5);
        assertThat(generalForBob.path("unreadCount").asLong()).isEqualTo(3);
        assertThat(generalForBob.path("memberCount").asLong()).isEqualTo(2);
        assertThat(channels.get(mine).path("lastReadSeq").asLong()).isZero();
        assertThat(boot.toString()).doesNotContain(alice.userId());

        api.post("/api/channels/" + general + "/read", bob, Map.of("seq", 3)).expect(204);
        assertThat(byId(api.get("/api/teams/" + team + "/boot", bob).expect(200).body()).get(general)
                .path("unreadCount").asLong()).isEqualTo(1);
        api.post("/api/channels/" + general + "/read", bob, Map.of("seq", 2)).expect(204);
        JsonNode afterBackwards = byId(api.get("/api/teams/" + team + "/boot", bob).expect(200).body()).get(general);
        assertThat(afterBackwards.path("lastReadSeq").asLong()).isEqualTo(3);
        assertThat(afterBackwards.path("unreadCount").asLong()).isEqualTo(1);
    }

    @Test
    void aBootRightAfterCreatingOrJoiningATeamShowsTheCallerInItsGeneralChannel() {
        // A client boots the moment its create or join answers; the team's own events may trail that
        // answer by a batch of the projections, which must never show as a 403 or 404 to the writer.
        for (int round = 0; round < 20; round++) {
            User owner = api.signUp("owner");
            User joiner = api.signUp("joiner");
            Response created = api.post("/api/teams", owner, Map.of("name", "Race " + round)).expect(201);
            String team = created.text("teamId");
            String general = created.text("generalChannelId");
            assertThat(byId(api.get("/api/teams/" + team + "/boot", owner).expect(200).body()).get(general)
                    .path("isMember").asBoolean()).isTrue();
            api.joinTeam(joiner, team);
            JsonNode joinerBoot = api.get("/api/teams/" + team + "/boot", joiner).expect(200).body();
            assertThat(joinerBoot.path("team").path("memberCount").asLong()).isEqualTo(2);
            assertThat(byId(joinerBoot).get(general).path("isMember").asBoolean()).isTrue();
        }
    }

    @Test
    void readMarkersRefuseWhatTheyCannotMean() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        User stranger = api.signUp("stranger");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        String open = api.createChannel(alice, team, false);
        String secret = api.createChannel(alice, team, true);

        api.post("/api/channels/" + open + "/read", alice, Map.of("seq", 1)).expect(400);
        api.post("/api/channels/" + open + "/read", alice, Map.of()).expect(400);
        api.post("/api/channels/" + open + "/read", alice, "{\"seq\":\"zero\"}").expect(400);
        api.post("/api/channels/" + open + "/read", bob, Map.of("seq", 0)).expect(403);
        api.post("/api/channels/" + secret + "/read", bob, Map.of("seq", 0)).expect(404);
        api.post("/api/channels/" + open + "/read", stranger, Map.of("seq", 0)).expect(403);
        api.get("/api/teams/" + team + "/boot", stranger).expect(403);
        api.get("/api/teams/no-such-team/boot", alice).expect(404);
    }

    @Test
    void theCachedBootEqualsABootRebuiltFromTheProjectionsForEveryUserAfterRandomOperations() {
        long seed = System.nanoTime();
        System.out.println("boot oracle seed: " + seed);
        Random random = new Random(seed);
        List<User> users = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            users.add(api.signUp("u"));
        }
        String team = api.createTeam(users.get(0));
        // Loaded into the cache now, so everything below reaches it as updates: stale state + events.
        api.get("/api/teams/" + team + "/boot", users.get(0)).expect(200);
        List<String> teamMembers = new ArrayList<>(List.of(users.get(0).userId()));
        List<String> channels = new ArrayList<>();
        Map<String, Long> lastSeq = new HashMap<>();
        for (int op = 0; op < 150; op++) {
            User actor = users.get(random.nextInt(users.size()));
            boolean inTeam = teamMembers.contains(actor.userId());
            int choice = random.nextInt(10);
            if (!inTeam || choice == 0) {
                api.joinTeam(actor, team);
                if (!inTeam) {
                    teamMembers.add(actor.userId());
                }
            } else if (choice == 1 || channels.isEmpty()) {
                channels.add(api.createChannel(actor, team, random.nextBoolean()));
            } else {
                String channel = channels.get(random.nextInt(channels.size()));
                User other = users.get(random.nextInt(users.size()));
                String path = "/api/channels/" + channel;
                Response answer = switch (choice) {
                    case 2 -> api.post(path + "/members", actor, Map.of());
                    case 3 -> api.post(path + "/members", actor, Map.of("userId", other.userId()));
                    case 4 -> api.delete(path + "/members/" + actor.userId(), actor);
                    case 5, 6, 7 -> api.send(actor, channel, "m" + op, "message " + op).block();
                    default -> api.post(path + "/read", actor,
                            Map.of("seq", random.nextInt((int) Math.max(1, lastSeq.getOrDefault(channel, 0L) + 1))));
                };
                assertThat(answer.status()).as("op %d (%d) on %s: %s", op, choice, channel, answer.body())
                        .isLessThan(500);
                if (answer.body().has("seq")) {
                    lastSeq.merge(channel, answer.number("seq"), Math::max);
                }
            }
        }

        for (User user : users) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode cached = withoutVersion(api.get("/api/teams/" + team + "/boot", user).expect(200).body());
                JsonNode rebuilt = withoutVersion(api.get("/api/teams/" + team + "/boot?mode=rebuild", user)
                        .expect(200).body());
                assertThat(cached).as("boot of %s (seed %d)", user.username(), seed).isEqualTo(rebuilt);
            });
        }
    }

    @Test
    void aClientThatBootsAndSubscribesFromEachLastSeqMissesNothingAndSeesNothingTwice() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        List<String> channels = List.of(api.createChannel(alice, team, false), api.createChannel(alice, team, false),
                api.createChannel(alice, team, false));
        Map<String, Long> finalSeq = new ConcurrentHashMap<>();
        Disposable senders = Flux.fromIterable(channels)
                .flatMap(channel -> Flux.range(0, 60).concatMap(i -> api.send(alice, channel, "c" + i, "concurrent " + i)
                        .doOnNext(ack -> finalSeq.merge(channel, ack.expect(201).number("seq"), Math::max))))
                .subscribe();
        Map<String, List<Long>> received = new ConcurrentHashMap<>();
        List<Disposable> streams = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> finalSeq.size() == 3);
            JsonNode boot = api.get("/api/teams/" + team + "/boot", alice).expect(200).body();
            Map<String, Long> bootSeq = new HashMap<>();
            for (String channel : channels) {
                long from = byId(boot).get(channel).path("lastSeq").asLong();
                bootSeq.put(channel, from);
                List<Long> seqs = new CopyOnWriteArrayList<>();
                received.put(channel, seqs);
                streams.add(api.stream("/api/channels/" + channel + "/stream?after=" + from, alice.token(), h -> { })
                        .map(event -> Long.parseLong(event.id()))
                        .subscribe(seqs::add));
            }
            await().atMost(Duration.ofMinutes(1)).until(senders::isDisposed);
            for (String channel : channels) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(received.get(channel)).containsExactlyElementsOf(
                                LongStream.rangeClosed(bootSeq.get(channel) + 1, finalSeq.get(channel)).boxed().toList()));
            }
        } finally {
            senders.dispose();
            streams.forEach(Disposable::dispose);
        }
    }

    @Test
    void membersLoadLazilyPageByPageWithPresence() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        List<User> others = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            User user = api.signUp("member");
            api.joinTeam(user, team);
            others.add(user);
        }
        String general = api.get("/api/teams/" + team + "/boot", alice).expect(200).body().path("channels").get(0)
                .path("channelId").asText();
        Disposable online = api.stream("/api/channels/" + general + "/stream", others.get(0).token(), h -> { })
                .subscribe();
        try {
            List<JsonNode> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                String query = "?limit=2" + (cursor == null ? "" : "&after=" + cursor);
                JsonNode page = api.get("/api/teams/" + team + "/members" + query, alice).expect(200).body();
                page.path("members").forEach(seen::add);
                cursor = page.path("next").isNull() ? null : page.path("next").asText();
                pages++;
            } while (cursor != null);
            assertThat(pages).isEqualTo(3);
            assertThat(seen).extracting(member -> member.path("userId").asText()).doesNotHaveDuplicates()
                    .hasSize(5).isSorted();
            assertThat(seen).allSatisfy(member -> assertThat(member.path("username").asText()).isNotBlank());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, String> presence = new HashMap<>();
                api.get("/api/teams/" + team + "/members?limit=200", alice).expect(200).body().path("members")
                        .forEach(member -> presence.put(member.path("userId").asText(),
                                member.path("presence").asText()));
                assertThat(presence).containsEntry(others.get(0).userId(), "online")
                        .containsEntry(others.get(1).userId(), "away");
            });
        } finally {
            online.dispose();
        }
        api.get("/api/teams/" + team + "/members", api.signUp("stranger")).expect(403);
        api.get("/api/teams/" + team + "/members?limit=0", alice).expect(400);
    }

    @Test
    void healthReportsTheBootCacheWarm() {
        JsonNode health = api.get("/actuator/health", null).expect(200).body();
        assertThat(health.path("components").path("bootCache").path("status").asText()).isEqualTo("UP");
    }

    private static Map<String, JsonNode> byId(JsonNode boot) {
        Map<String, JsonNode> channels = new HashMap<>();
        boot.path("channels").forEach(channel -> channels.put(channel.path("channelId").asText(), channel));
        return channels;
    }

    private static JsonNode withoutVersion(JsonNode boot) {
        ObjectNode copy = boot.deepCopy();
        copy.remove("version");
        return copy;
    }
}
