package io.backchannel.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.api.message.SendMessageCommand;
import io.backchannel.gateway.stream.ChannelStreams;
import io.backchannel.standalone.Api.User;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gateway under load: order for every subscriber, slow consumers cut loose, team streams resumed. */
class RealTimeEndToEndTest {

    private final RunningServer server = RunningServer.shared();
    private final Api api = new Api(server.baseUrl());

    @Test
    void concurrentSendersToThreeChannelsReachEveryWebSocketAndSseSubscriberGaplessInOrderOnce() {
        User owner = api.signUp("owner");
        String team = api.createTeam(owner);
        List<String> channels = List.of(api.createChannel(owner, team, false), api.createChannel(owner, team, false),
                api.createChannel(owner, team, false));
        List<User> senders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            User sender = api.signUp("sender");
            api.joinTeam(sender, team);
            channels.forEach(channel -> api.joinChannel(sender, channel));
            senders.add(sender);
        }
        Map<String, Long> startSeq = new HashMap<>();
        channels.forEach(channel -> startSeq.put(channel, api.get("/api/channels/" + channel, owner).number("lastSeq")));

        Map<String, List<Supplier<List<Long>>>> subscribers = new HashMap<>();
        List<AutoCloseable> open = new ArrayList<>();
        for (String channel : channels) {
            List<Supplier<List<Long>>> seen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                WsClient ws = WsClient.connect(server.baseUrl(), owner.token());
                open.add(ws);
                ws.send(Map.of("type", "subscribe", "channelId", channel, "afterSeq", startSeq.get(channel)));
                ws.next("subscribed");
                seen.add(() -> ws.all().stream().filter(frame -> frame.path("type").asText().equals("event"))
                        .map(frame -> frame.path("event").path("seq").asLong()).toList());
                List<Long> sse = new CopyOnWriteArrayList<>();
                Disposable stream = api.stream("/api/channels/" + channel + "/stream?after=" + startSeq.get(channel),
                        owner.token(), h -> { }).map(event -> Long.parseLong(event.id())).subscribe(sse::add);
                open.add(stream::dispose);
                seen.add(() -> sse);
            }
            subscribers.put(channel, seen);
        }
        Map<String, AtomicLong> lastAcked = new ConcurrentHashMap<>();
        channels.forEach(channel -> lastAcked.put(channel, new AtomicLong()));
        try {
            Flux.fromIterable(senders)
                    .flatMap(sender -> Flux.range(0, 45).concatMap(i -> {
                        String channel = channels.get(i % 3);
                        return api.send(sender, channel, sender.username() + "-" + i, "load " + i)
                                .doOnNext(ack -> lastAcked.get(channel).accumulateAndGet(ack.expect(201).number("seq"),
                                        Math::max));
                    }), 4)
                    .blockLast(Duration.ofMinutes(2));

            for (String channel : channels) {
                List<Long> expected = LongStream.rangeClosed(startSeq.get(channel) + 1, lastAcked.get(channel).get())
                        .boxed().toList();
                assertThat(expected).hasSize(60);
                for (Supplier<List<Long>> seen : subscribers.get(channel)) {
                    await().atMost(Duration.ofSeconds(30))
                            .untilAsserted(() -> assertThat(seen.get()).containsExactlyElementsOf(expected));
                }
            }
        } finally {
            for (AutoCloseable closeable : open) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // best effort: the test's verdict is already in
                }
            }
        }
    }

    /**
     * Catch-up goes out a history page at a time (200 events by default), whole pages shared by every
     * listener: resuming in the middle of one, across several, ends with the last partial page and then live
     * events, each exactly once, in order, on both transports.
     */
    @Test
    void subscribersResumingInTheMiddleOfAHistoryOfSeveralPagesGetEveryLaterEventOnceInOrderThenLiveOnes() {
        User owner = api.signUp("owner");
        String team = api.createTeam(owner);
        String channel = api.createChannel(owner, team, false);
        long lastSeq = Flux.range(0, 470)
                .flatMap(i -> api.send(owner, channel, "history-" + i, "history " + i), 8)
                .map(ack -> ack.expect(201).number("seq"))
                .reduce(Math::max)
                .block(Duration.ofMinutes(2));
        long resumeAfter = 37;

        try (WsClient ws = WsClient.connect(server.baseUrl(), owner.token())) {
            List<Long> sse = new CopyOnWriteArrayList<>();
            Disposable stream = api.stream("/api/channels/" + channel + "/stream", owner.token(),
                    h -> h.set("Last-Event-ID", Long.toString(resumeAfter))).map(event -> Long.parseLong(event.id()))
                    .subscribe(sse::add);
            ws.send(Map.of("type", "subscribe", "channelId", channel, "afterSeq", resumeAfter));
            Supplier<List<Long>> overWs = () -> ws.all().stream()
                    .filter(frame -> frame.path("type").asText().equals("event"))
                    .map(frame -> frame.path("event").path("seq").asLong()).toList();
            try {
                List<Long> missed = LongStream.rangeClosed(resumeAfter + 1, lastSeq).boxed().toList();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(sse).containsExactlyElementsOf(missed);
                    assertThat(overWs.get()).containsExactlyElementsOf(missed);
                });

                long live = api.send(owner, channel, "live", "live").block().expect(201).number("seq");

                List<Long> all = LongStream.rangeClosed(resumeAfter + 1, live).boxed().toList();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(sse).containsExactlyElementsOf(all);
                    assertThat(overWs.get()).containsExactlyElementsOf(all);
                });
            } finally {
                stream.dispose();
            }
        }
    }

    @Test
    void aClientThatStopsReadingGetsResyncWhileBuffersStayBoundedAndOthersAreUnaffected() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String channel = api.createChannel(alice, team, false);
        ChannelStreams streams = server.bean(ChannelStreams.class);
        CommandGateway commands = server.bean(CommandGateway.class);
        int bufferSize = 1024;
        int events = 10_000;
        String text = "x".repeat(2_000);

        try (WsClient stalled = WsClient.stalled(server.baseUrl(), alice.token());
             WsClient reader = WsClient.connect(server.baseUrl(), alice.token())) {
            stalled.send(Map.of("type", "subscribe", "channelId", channel, "afterSeq", 0));
            reader.send(Map.of("type", "subscribe", "channelId", channel, "afterSeq", 0));
            reader.next("subscribed");
            AtomicLong mostBuffered = new AtomicLong();
            Disposable watch = Flux.interval(Duration.ofMillis(20))
                    .subscribe(tick -> mostBuffered.accumulateAndGet(streams.bufferedEvents(), Math::max));
            try {
                Flux.range(1, events)
                        .flatMap(i -> Mono.fromFuture(() -> commands.send(
                                new SendMessageCommand(channel, alice.userId(), "bulk-" + i, text, null))), 16)
                        .blockLast(Duration.ofMinutes(3));

                for (long seq = 1; seq <= events; seq++) {
                    assertThat(reader.next("event").path("event").path("seq").asLong()).isEqualTo(seq);
                }
            } finally {
                watch.dispose();
            }
            // Two listeners on this channel, each with at most one buffer's worth waiting.
            assertThat(mostBuffered.get()).isLessThanOrEqualTo(2L * bufferSize);

            stalled.resume();
            JsonNode resync = stalled.next("resync");
            assertThat(resync.path("channelId").asText()).isEqualTo(channel);
            long delivered = stalled.all().stream().filter(frame -> frame.path("type").asText().equals("event"))
                    .mapToLong(frame -> frame.path("event").path("seq").asLong()).max().orElse(0);
            assertThat(resync.path("afterSeq").asLong()).isEqualTo(delivered).isLessThan(events);
            await().atMost(Duration.ofSeconds(10)).until(streams::bufferedEvents, buffered -> buffered == 0);
        }
    }

    @Test
    void aTeamStreamResumedWithItsCursorDeliversExactlyTheMissedEventsThenLiveOnes() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        String first = api.createChannel(alice, team, false);
        String second = api.createChannel(alice, team, false);
        String teamStream = "/api/teams/" + team + "/stream";

        List<ServerSentEvent<String>> seen = new ArrayList<>();
        StepVerifier.create(api.streamOpened(teamStream, alice.token(), h -> { }))
                .expectNextMatches(opened -> "connected".equals(opened.comment()))
                .then(() -> api.send(alice, first, "live-1", "while connected").block().expect(201))
                .consumeNextWith(seen::add)
                .thenCancel()
                .verify(Duration.ofSeconds(30));
        String cursor = seen.get(0).id();

        long missedFirst = api.send(alice, first, "missed-1", "missed in first").block().expect(201).number("seq");
        long missedSecond = api.send(alice, second, "missed-2", "missed in second").block().expect(201).number("seq");

        Map<String, Long> resumed = new ConcurrentHashMap<>();
        StepVerifier.create(api.stream(teamStream, alice.token(), h -> h.set("Last-Event-ID", cursor))
                        .map(event -> TestJson.parse(event.data())))
                .recordWith(ArrayList::new)
                .expectNextCount(2)
                .consumeRecordedWith(events -> events.forEach(event ->
                        assertThat(resumed.put(event.path("channelId").asText(), event.path("seq").asLong())).isNull()))
                .then(() -> api.send(alice, second, "live-2", "live again").block().expect(201))
                .assertNext(event -> {
                    assertThat(event.path("channelId").asText()).isEqualTo(second);
                    assertThat(event.path("seq").asLong()).isEqualTo(missedSecond + 1);
                })
                .thenCancel()
                .verify(Duration.ofSeconds(30));
        assertThat(resumed).isEqualTo(Map.of(first, missedFirst, second, missedSecond));
    }

    @Test
    void aTeamStreamFollowsEveryChannelOfAMemberOfHundreds() {
        User alice = api.signUp("alice");
        String team = api.createTeam(alice);
        List<String> channels = new ArrayList<>(List.of(api.generalOf(alice, team)));
        channels.addAll(Flux.range(0, 299)
                .flatMap(i -> Mono.fromCallable(() -> api.createChannel(alice, team, false))
                        .subscribeOn(Schedulers.boundedElastic()), 8)
                .collectList().block(Duration.ofMinutes(2)));

        StepVerifier.create(api.streamOpened("/api/teams/" + team + "/stream", alice.token(), h -> { })
                        .map(event -> TestJson.parse(event.data() == null ? "{}" : event.data())))
                .expectNextMatches(JsonNode::isEmpty)
                .then(() -> Flux.range(0, channels.size())
                        .flatMap(i -> api.send(alice, channels.get(i), "hi-" + i, "hello"), 8)
                        .blockLast(Duration.ofMinutes(2)))
                .recordWith(ArrayList::new)
                .expectNextCount(channels.size())
                .consumeRecordedWith(events -> assertThat(events)
                        .extracting(event -> event.path("channelId").asText())
                        .containsExactlyInAnyOrderElementsOf(channels))
                .thenCancel()
                .verify(Duration.ofMinutes(1));
    }

    @Test
    void membershipChangesApplyLiveToTheTeamStream() {
        User alice = api.signUp("alice");
        User bob = api.signUp("bob");
        String team = api.createTeam(alice);
        api.joinTeam(bob, team);
        String secret = api.createChannel(alice, team, true);
        String open = api.createChannel(alice, team, false);
        api.joinChannel(bob, open);

        StepVerifier.create(api.streamOpened("/api/teams/" + team + "/stream", bob.token(), h -> { })
                        .map(event -> TestJson.parse(event.data() == null ? "{}" : event.data())))
                .expectNextMatches(opened -> opened.isEmpty())
                .then(() -> api.post("/api/channels/" + secret + "/members", alice, Map.of("userId", bob.userId()))
                        .expect(200))
                .assertNext(event -> {
                    assertThat(event.path("channelId").asText()).isEqualTo(secret);
                    assertThat(event.path("type").asText()).isEqualTo("member.joined");
                })
                .then(() -> api.send(alice, secret, "s-1", "welcome in").block().expect(201))
                .assertNext(event -> assertThat(event.path("text").asText()).isEqualTo("welcome in"))
                .then(() -> api.delete("/api/channels/" + open + "/members/" + bob.userId(), bob).expect(204))
                .assertNext(event -> assertThat(event.path("type").asText()).isEqualTo("member.left"))
                .then(() -> api.send(alice, open, "o-1", "bob is gone").block().expect(201))
                .then(() -> api.send(alice, secret, "s-2", "still in here").block().expect(201))
                .assertNext(event -> {
                    assertThat(event.path("channelId").asText()).isEqualTo(secret);
                    assertThat(event.path("text").asText()).isEqualTo("still in here");
                })
                // Back in the channel he left: it starts again from his join, without what he missed meanwhile.
                .then(() -> api.joinChannel(bob, open))
                .assertNext(event -> {
                    assertThat(event.path("channelId").asText()).isEqualTo(open);
                    assertThat(event.path("type").asText()).isEqualTo("member.joined");
                })
                .then(() -> api.send(alice, open, "o-2", "welcome back").block().expect(201))
                .assertNext(event -> assertThat(event.path("text").asText()).isEqualTo("welcome back"))
                .thenCancel()
                .verify(Duration.ofSeconds(30));
    }
}
