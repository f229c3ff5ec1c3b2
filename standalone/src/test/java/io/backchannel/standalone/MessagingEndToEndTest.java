package io.backchannel.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.api.message.MessagePostedEvent;
import io.backchannel.command.config.SnapshotThread;
import io.backchannel.query.config.RequestOriginProvider;
import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The core guarantee, driven only through HTTP and SSE: durable, deduplicated, gapless, in order. */
class MessagingEndToEndTest {

    private final Api api = new Api(RunningServer.shared().baseUrl());

    @Test
    void aSendIsAcknowledgedWithTheNextSeqAndARetryGetsTheOriginalAnswer() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);

        Response first = api.send(alice, channel, "m-1", "hello").block().expect(201);
        Response retry = api.send(alice, channel, "m-1", "hello").block().expect(200);
        api.send(alice, channel, "m-1", "hello, edited").block().expect(409);
        Response second = api.send(alice, channel, "m-2", "again").block().expect(201);

        assertThat(first.number("seq")).isEqualTo(1);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(second.number("seq")).isEqualTo(2);
        api.awaitProjected(alice, channel, 2);
        JsonNode history = api.get("/api/channels/" + channel + "/messages", alice).expect(200).body();
        assertThat(history.path("messages")).extracting(message -> message.path("text").asText())
                .containsExactly("hello", "again");
        assertThat(history.path("hasMore").asBoolean()).isFalse();
    }

    @Test
    void concurrentSendersWithRetriesProduceExactlyOneGaplessMessagePerClientMsgId() {
        User owner = api.signUp("owner");
        String team = api.createTeam(owner);
        String channel = api.createChannel(owner, team, false);
        List<User> senders = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            User sender = api.signUp("sender");
            api.joinTeam(sender, team);
            api.joinChannel(sender, channel);
            senders.add(sender);
        }
        Map<String, Long> ackedSeq = new ConcurrentHashMap<>();
        Map<String, Long> retriedSeq = new ConcurrentHashMap<>();

        Flux.fromIterable(senders)
                .flatMap(sender -> Flux.range(0, 250).concatMap(i -> {
                    String clientMsgId = sender.username() + "-" + i;
                    Mono<Response> send = api.send(sender, channel, clientMsgId, "message " + i)
                            .doOnNext(response -> ackedSeq.put(clientMsgId, response.expect(201).number("seq")));
                    return i % 10 == 0
                            ? send.then(api.send(sender, channel, clientMsgId, "message " + i)
                            .doOnNext(response -> retriedSeq.put(clientMsgId, response.expect(200).number("seq"))))
                            : send;
                }), 8)
                .blockLast(Duration.ofMinutes(3));

        assertThat(ackedSeq).hasSize(2000);
        assertThat(retriedSeq).hasSize(200)
                .allSatisfy((clientMsgId, seq) -> assertThat(seq).isEqualTo(ackedSeq.get(clientMsgId)));
        api.awaitProjected(owner, channel, ackedSeq.values().stream().mapToLong(Long::longValue).max().orElseThrow());
        List<JsonNode> log = api.allEvents(owner, channel).collectList().block(Duration.ofMinutes(1));
        assertThat(log).extracting(event -> event.path("seq").asLong())
                .containsExactlyElementsOf(LongStream.range(0, log.size()).boxed().toList());
        Map<String, Long> stored = new HashMap<>();
        log.stream().filter(event -> event.path("type").asText().equals("message.posted"))
                .forEach(event -> assertThat(stored.put(event.path("clientMsgId").asText(), event.path("seq").asLong()))
                        .as("stored once: %s", event).isNull());
        assertThat(stored).isEqualTo(ackedSeq);
        // 2,000 events: the channel was snapshotted on the way, so loading it never replays its history.
        await().atMost(Duration.ofSeconds(30)).until(() -> lastSnapshotSeq(channel), seq -> seq >= 1_500);
    }

    /** The send that crosses the snapshot threshold is answered without waiting for the snapshot. */
    @Test
    void sendsAreAnsweredWhileTheirChannelWaitsForItsSnapshot() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);
        CountDownLatch snapshotsHeld = new CountDownLatch(1);
        RunningServer.shared().bean(SnapshotThread.class).executor().execute(() -> {
            try {
                snapshotsHeld.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            // Past the threshold of 500 events, while the snapshot thread is held.
            Flux.range(0, 600)
                    .flatMap(i -> api.send(alice, channel, "held-" + i, "message " + i), 8)
                    .doOnNext(response -> response.expect(201))
                    .blockLast(Duration.ofMinutes(2));
            assertThat(lastSnapshotSeq(channel)).as("no snapshot taken while its thread is held").isEqualTo(-1);
        } finally {
            snapshotsHeld.countDown();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> lastSnapshotSeq(channel), seq -> seq >= 500);
    }

    /**
     * A stored event carries the correlation and trace ids of the command that caused it, while the projections
     * take none from the events they handle (which would mean reading each one's stored metadata back).
     */
    @Test
    void storedEventsCarryTheOriginOfTheCommandThatCausedThem() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);
        api.send(alice, channel, "traced", "hello").block().expect(201);

        assertThat(RunningServer.shared().bean(Configuration.class).correlationDataProviders())
                .singleElement().isInstanceOf(RequestOriginProvider.class);
        DomainEventMessage<?> posted = RunningServer.shared().bean(EventStore.class).readEvents(channel).asStream()
                .filter(event -> event.getPayload() instanceof MessagePostedEvent).findFirst().orElseThrow();
        assertThat(posted.getMetaData().get("correlationId"))
                .as("the command's id, not the event's own").isNotNull().isNotEqualTo(posted.getIdentifier())
                .isEqualTo(posted.getMetaData().get("traceId"));
    }

    /** The seq of the channel's latest snapshot, -1 if it has none. */
    private static long lastSnapshotSeq(String channel) {
        Long seq = RunningServer.shared().bean(JdbcTemplate.class).queryForObject(
                "SELECT MAX(sequenceNumber) FROM SnapshotEventEntry WHERE aggregateIdentifier = ?", Long.class, channel);
        return seq == null ? -1 : seq;
    }

    /** A busy channel takes the sends that queue up together (one append); each is still answered on its own. */
    @Test
    void sendsThatArriveTogetherAreEachAnsweredOnTheirOwnAndARefusedOneDoesNotRefuseTheOthers() {
        User owner = api.signUp("owner");
        String team = api.createTeam(owner);
        String channel = api.createChannel(owner, team, false);
        User member = api.signUp("member");
        api.joinTeam(member, team);
        api.joinChannel(member, channel);
        User outsider = api.signUp("outsider");
        api.joinTeam(outsider, team);
        Map<String, List<Integer>> statuses = new ConcurrentHashMap<>();
        Map<String, Long> seqs = new ConcurrentHashMap<>();

        Flux.range(0, 120)
                .flatMap(i -> {
                    // per round of four: a send, the same clientMsgId with other text, a duplicate, an outsider's
                    int round = i / 4;
                    String id = "burst-" + round;
                    Mono<Response> send = switch (i % 4) {
                        case 0, 2 -> api.send(member, channel, id, "text " + round);
                        case 1 -> api.send(member, channel, id, "other text " + round);
                        default -> api.send(outsider, channel, "outsider-" + round, "let me in");
                    };
                    String key = i % 4 == 3 ? "outsider" : id;
                    return send.doOnNext(response -> {
                        statuses.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
                                .add(response.status());
                        if (response.status() == 201 || response.status() == 200) {
                            Long earlier = seqs.putIfAbsent(key, response.body().path("seq").asLong());
                            assertThat(earlier == null || earlier == response.body().path("seq").asLong())
                                    .as("one seq per clientMsgId: %s", key).isTrue();
                        }
                    });
                }, 120)
                .blockLast(Duration.ofMinutes(1));

        assertThat(statuses.get("outsider")).hasSize(30).containsOnly(403);
        for (int round = 0; round < 30; round++) {
            // The first of the three to be judged is posted (201); a later one with its text is its replay
            // (200, same seq), one with the other text a conflict (409), whichever order they were judged in.
            List<Integer> answers = statuses.get("burst-" + round);
            assertThat(answers).as("round %d", round).hasSize(3).isSubsetOf(200, 201, 409).contains(409)
                    .filteredOn(status -> status == 201).hasSize(1);
        }
        assertThat(seqs).hasSize(30);
        assertThat(seqs.values()).doesNotHaveDuplicates();
    }

    @Test
    void anSseSubscriberThatResumesWithLastEventIdGetsEveryLaterEventOnceInOrderThenLiveOnes() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);
        for (int i = 1; i <= 5; i++) {
            api.send(alice, channel, "before-" + i, "before " + i).block().expect(201);
        }
        String path = "/api/channels/" + channel + "/stream";

        StepVerifier.create(api.stream(path + "?after=-1", alice.token(), h -> { }).map(MessagingEndToEndTest::seq))
                .expectNext(0L, 1L, 2L, 3L, 4L, 5L)
                .thenCancel()
                .verify(Duration.ofSeconds(30));

        for (int i = 6; i <= 10; i++) {
            api.send(alice, channel, "offline-" + i, "offline " + i).block().expect(201);
        }

        StepVerifier.create(api.stream(path, alice.token(), h -> h.set("Last-Event-ID", "5")))
                .assertNext(event -> {
                    assertThat(event.id()).isEqualTo("6");
                    assertThat(event.event()).isEqualTo("message.posted");
                    assertThat(TestJson.parse(event.data()).path("text").asText()).isEqualTo("offline 6");
                })
                .expectNextMatches(event -> seq(event) == 7)
                .expectNextMatches(event -> seq(event) == 8)
                .expectNextMatches(event -> seq(event) == 9)
                .expectNextMatches(event -> seq(event) == 10)
                .then(() -> api.send(alice, channel, "live-11", "live").block().expect(201))
                .expectNextMatches(event -> seq(event) == 11)
                .then(() -> api.send(alice, channel, "live-11", "live").block().expect(200))
                .then(() -> api.send(alice, channel, "live-12", "live again").block().expect(201))
                .expectNextMatches(event -> seq(event) == 12)
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void theStreamOpensBeforeTheFirstEventAndTakesTheTokenFromTheQueryString() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);

        // Sent once the stream is open: a stream without a resume point starts at the channel's end as it
        // opens, so a message sent while it is still opening may come before that end.
        StepVerifier.create(api.streamOpened("/api/channels/" + channel + "/stream?access_token=" + alice.token(), null,
                        h -> { }))
                .expectNextMatches(opened -> "connected".equals(opened.comment()))
                .then(() -> api.send(alice, channel, "first", "first live").block().expect(201))
                .assertNext(event -> assertThat(seq(event)).isEqualTo(1L))
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }

    private static long seq(ServerSentEvent<String> event) {
        long seq = Long.parseLong(event.id());
        assertThat(TestJson.parse(event.data()).path("seq").asLong()).isEqualTo(seq);
        return seq;
    }
}
