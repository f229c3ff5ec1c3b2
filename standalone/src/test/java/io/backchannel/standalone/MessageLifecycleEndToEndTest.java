package io.backchannel.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Threads, edits, deletes, reactions, search and history as of a seq, over HTTP, SSE and WebSocket. */
class MessageLifecycleEndToEndTest {

    private final RunningServer server = RunningServer.shared();
    private final Api api = new Api(server.baseUrl());

    @Test
    void threadsCollectRepliesThatHistoryCountsAndTheRepliesEndpointLists() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);
        long parent = api.send(alice, channel, "p", "the topic").block().expect(201).number("seq");
        post(alice, channel, "r1", "first reply", parent).expect(201);
        long secondReply = post(alice, channel, "r2", "second reply", parent).expect(201).number("seq");

        post(alice, channel, "r3", "to nothing", 999L).expect(400);
        post(alice, channel, "r4", "to a reply", secondReply).expect(400);
        api.awaitProjected(alice, channel, secondReply);

        JsonNode replies = api.get("/api/channels/" + channel + "/messages/" + parent + "/replies", alice).expect(200).body();
        assertThat(replies.path("messages")).extracting(message -> message.path("text").asText())
                .containsExactly("first reply", "second reply");
        assertThat(replies.path("messages")).allSatisfy(reply -> assertThat(reply.path("threadSeq").asLong()).isEqualTo(parent));
        JsonNode afterFirst = api.get("/api/channels/" + channel + "/messages/" + parent + "/replies?after="
                + (secondReply - 1) + "&limit=1", alice).expect(200).body();
        assertThat(afterFirst.path("messages")).extracting(message -> message.path("text").asText())
                .containsExactly("second reply");
        JsonNode history = api.get("/api/channels/" + channel + "/messages", alice).expect(200).body();
        assertThat(history.path("messages").get(0).path("replyCount").asLong()).isEqualTo(2);
        assertThat(history.path("messages")).hasSize(3);
        api.get("/api/channels/" + channel + "/messages/999/replies", alice).expect(404);
    }

    @Test
    void onlyTheAuthorEditsOrDeletesAndADeletedMessageKeepsItsSeq() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        String channel = api.createChannel(alice, team, false);
        api.joinChannel(bob, channel);
        long seq = api.send(alice, channel, "m", "first draft").block().expect(201).number("seq");

        JsonNode edited = api.call(org.springframework.http.HttpMethod.PATCH, "/api/channels/" + channel + "/messages/"
                + seq, alice.token(), Map.of("text", "final text"), h -> { }).block().expect(200).body();
        assertThat(edited.path("type").asText()).isEqualTo("message.edited");
        assertThat(edited.path("messageSeq").asLong()).isEqualTo(seq);
        assertThat(edited.path("seq").asLong()).isEqualTo(seq + 1);
        assertThat(edited.path("text").asText()).isEqualTo("final text");
        patch(bob, channel, seq, "bob's words").expect(403);
        api.delete("/api/channels/" + channel + "/messages/" + seq, bob).expect(403);
        patch(alice, channel, 0, "a channel.created is no message").expect(404);

        api.delete("/api/channels/" + channel + "/messages/" + seq, alice).expect(204);
        api.delete("/api/channels/" + channel + "/messages/" + seq, alice).expect(204);
        patch(alice, channel, seq, "too late").expect(409);

        api.awaitProjected(alice, channel, seq + 2);
        JsonNode message = api.get("/api/channels/" + channel + "/messages", alice).expect(200).body()
                .path("messages").get(0);
        assertThat(message.path("seq").asLong()).isEqualTo(seq);
        assertThat(message.path("text").asText()).isEmpty();
        assertThat(message.path("deleted").asBoolean()).isTrue();
        assertThat(message.path("editedAt").isNull()).isFalse();
        assertThat(api.allEvents(alice, channel).map(event -> event.path("type").asText()).collectList().block())
                .containsExactly("channel.created", "member.joined", "message.posted", "message.edited",
                        "message.deleted");
    }

    @Test
    void reactionsAreIdempotentPerUserAndEmojiAndShowInHistory() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        User carol = api.signUp("carol");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        api.joinTeam(carol, team);
        String channel = api.createChannel(alice, team, false);
        api.joinChannel(bob, channel);
        long seq = api.send(alice, channel, "m", "react to me").block().expect(201).number("seq");
        String reactions = "/api/channels/" + channel + "/messages/" + seq + "/reactions";

        api.post(reactions, bob, Map.of("emoji", "tada")).expect(204);
        api.post(reactions, bob, Map.of("emoji", "tada")).expect(204);
        api.post(reactions, alice, Map.of("emoji", "tada")).expect(204);
        api.post(reactions, alice, Map.of("emoji", "eyes")).expect(204);
        api.delete(reactions + "/eyes", alice).expect(204);
        api.delete(reactions + "/eyes", alice).expect(204);
        api.post(reactions, carol, Map.of("emoji", "tada")).expect(403);
        api.post(reactions, bob, Map.of("emoji", "Not An Emoji")).expect(400);
        api.post("/api/channels/" + channel + "/messages/0/reactions", bob, Map.of("emoji", "tada")).expect(404);

        api.awaitProjected(alice, channel, seq + 4);
        JsonNode message = api.get("/api/channels/" + channel + "/messages", alice).expect(200).body()
                .path("messages").get(0);
        assertThat(message.path("reactions")).hasSize(1);
        JsonNode tada = message.path("reactions").get(0);
        assertThat(tada.path("emoji").asText()).isEqualTo("tada");
        assertThat(tada.path("count").asLong()).isEqualTo(2);
        assertThat(tada.path("userIds")).extracting(JsonNode::asText).containsExactly(bob.userId(), alice.userId());
    }

    @Test
    void everyChangeReachesTheStreamsInOrder() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);
        long seq = api.send(alice, channel, "m", "hello").block().expect(201).number("seq");

        try (WsClient ws = WsClient.connect(server.baseUrl(), alice.token())) {
            ws.send(Map.of("type", "subscribe", "channelId", channel, "afterSeq", seq));
            ws.next("subscribed");
            StepVerifier.create(api.streamOpened("/api/channels/" + channel + "/stream?after=" + seq, alice.token(),
                            h -> { }))
                    .expectNextMatches(opened -> "connected".equals(opened.comment()))
                    .then(() -> {
                        patch(alice, channel, seq, "hello, edited").expect(200);
                        api.post("/api/channels/" + channel + "/messages/" + seq + "/reactions", alice,
                                Map.of("emoji", "wave")).expect(204);
                        api.delete("/api/channels/" + channel + "/messages/" + seq + "/reactions/wave", alice).expect(204);
                        api.delete("/api/channels/" + channel + "/messages/" + seq, alice).expect(204);
                    })
                    .expectNextMatches(event -> "message.edited".equals(event.event()))
                    .expectNextMatches(event -> "reaction.added".equals(event.event()))
                    .expectNextMatches(event -> "reaction.removed".equals(event.event()))
                    .expectNextMatches(event -> "message.deleted".equals(event.event()))
                    .thenCancel()
                    .verify(Duration.ofSeconds(30));
            assertThat(List.of(ws.next("event"), ws.next("event"), ws.next("event"), ws.next("event")))
                    .extracting(frame -> frame.path("event").path("type").asText())
                    .containsExactly("message.edited", "reaction.added", "reaction.removed", "message.deleted");
        }
    }

    @Test
    void searchFindsWholeWordsOfCurrentTextNewestFirstInReadableChannelsOnly() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        User stranger = api.signUp("stranger");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        String open = api.createChannel(alice, team, false);
        String secret = api.createChannel(alice, team, true);
        api.send(alice, open, "a", "The quick brown fox").block().expect(201);
        long edited = api.send(alice, open, "b", "a QUICK, brown-ish dog").block().expect(201).number("seq");
        long deleted = api.send(alice, open, "c", "quick brown words to delete").block().expect(201).number("seq");
        api.send(alice, secret, "d", "quick brown secrets").block().expect(201);
        api.send(alice, open, "e", "quickly brownish").block().expect(201);
        String search = "/api/teams/" + team + "/search?q=";

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(texts(api.get(search + "Quick+BROWN", alice)))
                // Highest seq first; at equal seqs (two channels' seq 1) the later ts first.
                .containsExactly("quick brown words to delete", "a QUICK, brown-ish dog", "quick brown secrets",
                        "The quick brown fox"));
        assertThat(texts(api.get(search + "quick brown", bob)))
                .containsExactly("quick brown words to delete", "a QUICK, brown-ish dog", "The quick brown fox");
        assertThat(texts(api.get(search + "secrets", bob))).isEmpty();

        patch(alice, open, edited, "a slow grey dog").expect(200);
        api.delete("/api/channels/" + open + "/messages/" + deleted, alice).expect(204);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(texts(api.get(search + "quick+brown", bob))).containsExactly("The quick brown fox");
            assertThat(texts(api.get(search + "grey", bob))).containsExactly("a slow grey dog");
        });
        api.get(search + "quick", stranger).expect(403);
        // The client encodes the query (spaces as %20): words made of nothing but separators are no words.
        api.get(search + " , ", alice).expect(400);
        api.get("/api/teams/" + team + "/search", alice).expect(400);
    }

    @Test
    void historyAsOfEachSeqShowsTheChannelExactlyAsItStoodThen() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        String channel = api.createChannel(alice, team, false);
        api.joinChannel(bob, channel);                                                                  // seq 1
        long first = api.send(alice, channel, "m1", "first").block().expect(201).number("seq");         // 2
        long second = api.send(bob, channel, "m2", "second").block().expect(201).number("seq");         // 3
        patch(alice, channel, first, "first, edited").expect(200);                                       // 4
        api.post("/api/channels/" + channel + "/messages/" + second + "/reactions", alice, Map.of("emoji", "ok"))
                .expect(204);                                                                            // 5
        post(alice, channel, "r", "a reply", second).expect(201);                                        // 6
        api.delete("/api/channels/" + channel + "/messages/" + first, alice).expect(204);               // 7
        api.awaitProjected(alice, channel, 7);

        String asOf = "/api/channels/" + channel + "/messages?asOfSeq=";
        assertThat(api.get(asOf + 1, alice).expect(200).body().path("messages")).isEmpty();
        assertThat(texts(api.get(asOf + 2, alice))).containsExactly("first");
        assertThat(texts(api.get(asOf + 3, alice))).containsExactly("first", "second");
        JsonNode atFour = api.get(asOf + 4, alice).expect(200).body().path("messages");
        assertThat(atFour.get(0).path("text").asText()).isEqualTo("first, edited");
        assertThat(atFour.get(0).path("editedAt").isNull()).isFalse();
        assertThat(atFour.get(1).path("reactions")).isEmpty();
        JsonNode atFive = api.get(asOf + 5, alice).expect(200).body().path("messages");
        assertThat(atFive.get(1).path("reactions").get(0).path("emoji").asText()).isEqualTo("ok");
        assertThat(atFive.get(1).path("replyCount").asLong()).isZero();
        JsonNode atSix = api.get(asOf + 6, alice).expect(200).body().path("messages");
        assertThat(atSix).hasSize(3);
        assertThat(atSix.get(1).path("replyCount").asLong()).isEqualTo(1);
        JsonNode atSeven = api.get(asOf + 7, alice).expect(200).body().path("messages");
        assertThat(atSeven.get(0).path("deleted").asBoolean()).isTrue();
        assertThat(atSeven.get(0).path("text").asText()).isEmpty();
        assertThat(atSeven).isEqualTo(api.get("/api/channels/" + channel + "/messages", alice).body().path("messages"));

        JsonNode paged = api.get(asOf + 6 + "&limit=1", alice).expect(200).body();
        assertThat(texts(paged)).containsExactly("a reply");
        assertThat(paged.path("hasMore").asBoolean()).isTrue();
        assertThat(texts(api.get(asOf + 6 + "&limit=1&before=" + 6, alice))).containsExactly("second");
        api.get(asOf + 99, alice).expect(400);
        api.get(asOf + "-1", alice).expect(400);
    }

    private Response post(User user, String channel, String clientMsgId, String text, Long threadSeq) {
        return api.post("/api/channels/" + channel + "/messages", user,
                Map.of("clientMsgId", clientMsgId, "text", text, "threadSeq", threadSeq));
    }

    private Response patch(User user, String channel, long seq, String text) {
        return api.call(org.springframework.http.HttpMethod.PATCH, "/api/channels/" + channel + "/messages/" + seq,
                user.token(), Map.of("text", text), h -> { }).block();
    }

    private static List<String> texts(Response response) {
        return texts(response.expect(200).body());
    }

    private static List<String> texts(JsonNode page) {
        return page.path("messages").findValues("text").stream().map(JsonNode::asText).toList();
    }
}
