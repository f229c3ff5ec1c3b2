package io.backchannel.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.Api.User;
import org.junit.jupiter.api.Test;

import java.net.http.WebSocketHandshakeException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Every frame type of API.md's WebSocket protocol, the bad ones included, over a real WebSocket. */
class WebSocketEndToEndTest {

    private final String baseUrl = RunningServer.shared().baseUrl();
    private final Api api = new Api(baseUrl);

    @Test
    void helloThenSubscribeReplaysAfterSeqThenLiveAndUnsubscribeStops() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);
        api.send(alice, channel, "one", "first").block().expect(201);
        api.send(alice, channel, "two", "second").block().expect(201);

        try (WsClient ws = WsClient.connect(baseUrl, alice.token())) {
            JsonNode hello = ws.next();
            assertThat(hello.path("type").asText()).isEqualTo("hello");
            assertThat(hello.path("userId").asText()).isEqualTo(alice.userId());

            ws.send(Map.of("type", "subscribe", "channelId", channel, "afterSeq", 0));
            assertThat(ws.next("subscribed").path("afterSeq").asLong()).isZero();
            assertThat(eventSeq(ws.next("event"))).isEqualTo(1);
            JsonNode second = ws.next("event").path("event");
            assertThat(second.path("seq").asLong()).isEqualTo(2);
            assertThat(second.path("type").asText()).isEqualTo("message.posted");
            assertThat(second.path("text").asText()).isEqualTo("second");

            api.send(alice, channel, "three", "live").block().expect(201);
            assertThat(eventSeq(ws.next("event"))).isEqualTo(3);

            ws.send(Map.of("type", "unsubscribe", "channelId", channel));
            ws.send(Map.of("type", "ping", "id", "after-unsubscribe"));
            ws.next("pong");
            api.send(alice, channel, "four", "not for this socket").block().expect(201);
            ws.send(Map.of("type", "ping", "id", "later"));
            assertThat(ws.next("pong").path("id").asText()).isEqualTo("later");
            assertThat(ws.all()).noneMatch(frame -> frame.path("type").asText().equals("event")
                    && frame.path("event").path("seq").asLong() == 4);
        }
    }

    @Test
    void subscribeWithoutAfterSeqIsLiveOnly() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);
        api.send(alice, channel, "old", "before the socket").block().expect(201);
        api.awaitProjected(alice, channel, 1);

        try (WsClient ws = WsClient.connect(baseUrl, alice.token())) {
            ws.send(Map.of("type", "subscribe", "channelId", channel));
            assertThat(ws.next("subscribed").path("afterSeq").asLong()).isEqualTo(1);
            api.send(alice, channel, "new", "after").block().expect(201);
            assertThat(eventSeq(ws.next("event"))).isEqualTo(2);
        }
    }

    @Test
    void pingIsAnsweredWithItsId() {
        User alice = api.signUp("alice");
        try (WsClient ws = WsClient.connect(baseUrl, alice.token())) {
            ws.send(Map.of("type", "ping", "id", 42));
            JsonNode pong = ws.next("pong");
            assertThat(pong.path("id").asInt()).isEqualTo(42);
        }
    }

    @Test
    void sendIsAcknowledgedOnceDurableWithTheSameDedupAsPost() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);

        try (WsClient ws = WsClient.connect(baseUrl, alice.token())) {
            ws.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "ws-1", "text", "over the socket"));
            JsonNode ack = ws.next("ack");
            assertThat(ack.path("clientMsgId").asText()).isEqualTo("ws-1");
            assertThat(ack.path("channelId").asText()).isEqualTo(channel);
            assertThat(ack.path("seq").asLong()).isEqualTo(1);
            assertThat(ack.path("messageId").asText()).isNotBlank();

            ws.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "ws-1", "text", "over the socket"));
            assertThat(ws.next("ack")).isEqualTo(ack);
            var retriedOverHttp = api.send(alice, channel, "ws-1", "over the socket").block().expect(200);
            assertThat(retriedOverHttp.number("seq")).isEqualTo(1);

            ws.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "ws-1", "text", "changed"));
            JsonNode conflict = ws.next("error");
            assertThat(conflict.path("code").asText()).isEqualTo("conflict");
            assertThat(conflict.path("clientMsgId").asText()).as("the send it answers").isEqualTo("ws-1");

            ws.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "ws-2"));
            JsonNode noText = ws.next("error");
            assertThat(noText.path("code").asText()).isEqualTo("invalid");
            assertThat(noText.path("clientMsgId").asText()).as("a send refused at the edge").isEqualTo("ws-2");
        }
    }

    @Test
    void sendsInARowWithoutWaitingAreStoredInTheOrderTheyCame() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);

        try (WsClient ws = WsClient.connect(baseUrl, alice.token())) {
            for (int i = 0; i < 30; i++) {
                ws.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "row-" + i, "text", "in a row " + i));
            }
            Map<String, Long> seqs = new HashMap<>();
            while (seqs.size() < 30) {
                JsonNode ack = ws.next("ack");
                seqs.put(ack.path("clientMsgId").asText(), ack.path("seq").asLong());
            }
            for (int i = 1; i < 30; i++) {
                assertThat(seqs.get("row-" + i)).as("row-%d after row-%d", i, i - 1).isEqualTo(seqs.get("row-" + (i - 1)) + 1);
            }
        }
    }

    @Test
    void badFramesAreAnsweredWithErrorFramesAndTheConnectionStaysOpen() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        String secret = api.createChannel(alice, team, true);
        String open = api.createChannel(alice, team, false);

        try (WsClient ws = WsClient.connect(baseUrl, bob.token())) {
            ws.next("hello");
            expectError(ws, "not json", "bad_frame");
            expectError(ws, "[1, 2, 3]", "invalid");
            expectError(ws, "{\"type\": \"dance\"}", "invalid");
            expectError(ws, "{\"type\": \"subscribe\"}", "invalid");
            expectError(ws, "{\"type\": \"subscribe\", \"channelId\": 7}", "invalid");
            expectError(ws, "{\"type\": \"subscribe\", \"channelId\": \"" + open + "\", \"afterSeq\": \"x\"}", "invalid");
            expectError(ws, "{\"type\": \"subscribe\", \"channelId\": \"no-such-channel\"}", "not_found");
            expectError(ws, "{\"type\": \"subscribe\", \"channelId\": \"" + secret + "\"}", "not_found");
            expectError(ws, "{\"type\": \"send\", \"channelId\": \"" + open + "\", \"clientMsgId\": \"x\", \"text\": \"hi\"}",
                    "forbidden");
            expectError(ws, "{\"type\": \"send\", \"channelId\": \"" + open + "\", \"clientMsgId\": \"bad id\", \"text\": \"hi\"}",
                    "invalid");
            expectError(ws, "{\"type\": \"send\", \"channelId\": \"" + open + "\", \"clientMsgId\": \"x\", \"text\": 5}",
                    "invalid");
            expectError(ws, "{\"type\": \"typing\", \"channelId\": \"" + secret + "\"}", "not_found");
            expectError(ws, "{\"type\": \"send\", \"channelId\": \"" + open + "\", \"clientMsgId\": \"x\", \"text\": \""
                    + "y".repeat(70_000) + "\"}", "too_large");

            ws.send(Map.of("type", "ping", "id", "still-open"));
            assertThat(ws.next("pong").path("id").asText()).isEqualTo("still-open");
        }
        assertThat(api.allEvents(alice, open).filter(event -> event.path("type").asText().equals("message.posted"))
                .count().block()).isZero();
    }

    @Test
    void typingReachesTheOtherSubscribersOfTheChannelAndIsNeverStored() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        String channel = api.createChannel(alice, team, false);
        api.joinChannel(bob, channel);

        try (WsClient aliceWs = WsClient.connect(baseUrl, alice.token());
             WsClient bobWs = WsClient.connect(baseUrl, bob.token())) {
            aliceWs.send(Map.of("type", "subscribe", "channelId", channel));
            aliceWs.next("subscribed");
            bobWs.send(Map.of("type", "subscribe", "channelId", channel));
            bobWs.next("subscribed");

            bobWs.send(Map.of("type", "typing", "channelId", channel));
            JsonNode typing = aliceWs.next("typing");
            assertThat(typing.path("channelId").asText()).isEqualTo(channel);
            assertThat(typing.path("userId").asText()).isEqualTo(bob.userId());
            assertThat(typing.has("seq")).isFalse();

            bobWs.send(Map.of("type", "ping", "id", "done"));
            bobWs.next("pong");
            assertThat(bobWs.all()).noneMatch(frame -> frame.path("type").asText().equals("typing"));
        }
        assertThat(api.allEvents(alice, channel).map(event -> event.path("type").asText()).collectList().block())
                .containsExactly("channel.created", "member.joined");
    }

    @Test
    void aUserAddedToAChannelIsToldOverTheirWebSocketAndFollowsItFromTheirJoin() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        User carol = api.signUp("carol");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        api.joinTeam(carol, team);

        try (WsClient bobWs = connectedAndReady(bob); WsClient carolWs = connectedAndReady(carol)) {
            String secret = api.createChannel(alice, team, true);
            api.addToChannel(alice, secret, bob);
            JsonNode joined = bobWs.next("joined");
            assertThat(joined.path("teamId").asText()).isEqualTo(team);
            assertThat(joined.path("channelId").asText()).isEqualTo(secret);
            assertThat(joined.path("seq").asLong()).isEqualTo(1);

            bobWs.send(Map.of("type", "subscribe", "channelId", secret, "afterSeq", joined.path("seq").asLong() - 1));
            JsonNode first = bobWs.next("event").path("event");
            assertThat(first.path("type").asText()).isEqualTo("member.joined");
            assertThat(first.path("userId").asText()).isEqualTo(bob.userId());

            // Carol is in the team, not in the channel: she hears nothing of it.
            carolWs.send(Map.of("type", "ping", "id", "after"));
            assertThat(carolWs.next("pong").path("id").asText()).isEqualTo("after");
            assertThat(carolWs.all()).noneMatch(frame -> frame.path("type").asText().equals("joined"));
        }
    }

    @Test
    void presenceChangesReachTeamMembers() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);

        try (WsClient aliceWs = connectedAndReady(alice)) {
            try (WsClient bobWs = WsClient.connect(baseUrl, bob.token())) {
                bobWs.next("hello");
                JsonNode online = aliceWs.next(frame -> isPresenceOf(frame, bob));
                assertThat(online.path("teamId").asText()).isEqualTo(team);
                assertThat(online.path("presence").asText()).isEqualTo("online");
            }
            JsonNode away = aliceWs.next(frame -> isPresenceOf(frame, bob));
            assertThat(away.path("presence").asText()).isEqualTo("away");
        }
    }

    @Test
    void aTeamJoinedWhileConnectedBringsItsMembersPresence() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        String team = api.createTeam(bob);

        try (WsClient aliceWs = connectedAndReady(alice)) {
            api.joinTeam(alice, team);
            assertThat(aliceWs.next("joined").path("teamId").asText()).isEqualTo(team);
            try (WsClient bobWs = WsClient.connect(baseUrl, bob.token())) {
                bobWs.next("hello");
                JsonNode online = aliceWs.next(frame -> isPresenceOf(frame, bob));
                assertThat(online.path("teamId").asText()).isEqualTo(team);
                assertThat(online.path("presence").asText()).isEqualTo("online");
            }
        }
    }

    @Test
    void aClientThatReconnectsWithinThePresenceGraceIsNotToldToOthersAsGoneAndBack() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        api.joinTeam(bob, api.createTeam(alice));

        try (WsClient aliceWs = connectedAndReady(alice)) {
            try (WsClient bobWs = WsClient.connect(baseUrl, bob.token())) {
                bobWs.next("hello");
            }
            aliceWs.next(frame -> isPresenceOf(frame, bob) && frame.path("presence").asText().equals("online"));
            try (WsClient bobAgain = WsClient.connect(baseUrl, bob.token())) {
                bobAgain.next("hello");
                await().during(RunningServer.PRESENCE_GRACE.plusSeconds(1)).atMost(RunningServer.PRESENCE_GRACE.plusSeconds(10))
                        .until(() -> aliceWs.all().stream().filter(frame -> isPresenceOf(frame, bob)).count() == 1);
            }
            JsonNode away = aliceWs.next(frame -> isPresenceOf(frame, bob));
            assertThat(away.path("presence").asText()).as("once gone for longer than the grace").isEqualTo("away");
        }
    }

    /** A connection the server has greeted and answered a ping on: whatever happens from now on, it hears. */
    private WsClient connectedAndReady(User user) {
        WsClient ws = WsClient.connect(baseUrl, user.token());
        ws.next("hello");
        ws.send(Map.of("type", "ping", "id", "ready"));
        ws.next("pong");
        return ws;
    }

    private static boolean isPresenceOf(JsonNode frame, User user) {
        return frame.path("type").asText().equals("presence") && frame.path("userId").asText().equals(user.userId());
    }

    @Test
    void theUpgradeChecksOriginsAndTokens() {
        User alice = api.signUp("alice");
        assertThatThrownBy(() -> WsClient.connect(baseUrl, alice.token(), "https://evil.example"))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(403));
        assertThatThrownBy(() -> WsClient.connect(baseUrl, null))
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401));
        try (WsClient local = WsClient.connect(baseUrl, alice.token(), "http://localhost:5173")) {
            assertThat(local.next().path("type").asText()).isEqualTo("hello");
        }
        try (WsClient sameOrigin = WsClient.connect(baseUrl, alice.token(), baseUrl)) {
            assertThat(sameOrigin.next().path("type").asText()).isEqualTo("hello");
        }
    }

    private static void expectError(WsClient ws, String frame, String code) {
        ws.sendRaw(frame);
        JsonNode error = ws.next("error");
        assertThat(error.path("code").asText()).as("error for %s", frame.length() > 80 ? frame.substring(0, 80) : frame)
                .isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
    }

    private static long eventSeq(JsonNode frame) {
        return frame.path("event").path("seq").asLong();
    }
}
