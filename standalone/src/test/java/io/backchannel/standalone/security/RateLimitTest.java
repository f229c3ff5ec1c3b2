package io.backchannel.standalone.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.security.Http.Reply;
import io.backchannel.standalone.security.Http.User;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The per-user rate limits at their production defaults (sends 10/s with a burst of 20, POST and WebSocket
 * together; other writes 10/s, burst 30; reads 50/s, burst 200; other frames 50/s, burst 200; typing 2/s,
 * burst 5), on a server of their own. A flood is refused with 429 and {@code Retry-After} over HTTP, and with
 * {@code rate_limited} error frames over WebSocket, whose connection stays open; meanwhile another user's sends
 * are all served. Nothing here asserts a timing: only what was answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitTest {

    private static final int SEND_BURST = 20;
    private static final double SENDS_PER_SECOND = 10;

    private Http http;
    private String team;

    @BeforeAll
    void server() {
        http = new Http(LimitedServer.get().baseUrl());
        team = http.createTeam(http.signUp("owner"));
    }

    @Test
    void anHttpFloodIsRefusedWith429AndRetryAfterWhileAnotherUsersSendsAreServed() {
        User flooder = member("flooder");
        User bystander = member("bystander");
        String channel = channelWith(flooder, bystander);

        long started = System.nanoTime();
        Flood flood = Flood.start(8, () -> http.send(flooder, channel, Http.unique("flood"), "flood"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> flood.refused() >= 20);
            // While the flood goes on, the bystander's sends are all served.
            int refusedBefore = flood.refused();
            List<Integer> bystanderStatuses = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                bystanderStatuses.add(http.send(bystander, channel, "calm-" + i, "still here " + i).status());
            }
            assertThat(bystanderStatuses).as("the bystander's sends during the flood").containsOnly(201).hasSize(10);
            assertThat(flood.refused()).as("the flood was still being refused while the bystander sent")
                    .isGreaterThan(refusedBefore);
        } finally {
            flood.stop();
        }
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;

        List<Reply> answers = flood.answers();
        List<Reply> accepted = answers.stream().filter(reply -> reply.status() == 201).toList();
        List<Reply> limited = answers.stream().filter(reply -> reply.status() == 429).toList();
        System.out.printf("HTTP send flood: %d sends in %.1f s, %d accepted, %d refused with 429%n", answers.size(),
                elapsedSeconds, accepted.size(), limited.size());
        assertThat(accepted.size() + limited.size()).as("every answer is 201 or 429").isEqualTo(answers.size());
        // A token bucket admits at most its burst plus what refills while the flood lasts.
        assertThat(accepted.size()).isLessThanOrEqualTo((int) (SEND_BURST + SENDS_PER_SECOND * elapsedSeconds) + 1);
        assertThat(limited).allSatisfy(reply -> {
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().path("status").asInt()).isEqualTo(429);
            assertThat(reply.detail()).contains("too many sends");
            String retryAfter = reply.headers().firstValue("Retry-After").orElseThrow();
            assertThat(Long.parseLong(retryAfter)).isBetween(1L, 3L);
        });

        // The bucket refills: the flooder may send again after a short wait.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> http.send(flooder, channel, Http.unique("again"), "calm now").status() == 201);
    }

    @Test
    void aWebSocketFloodGetsRateLimitedFramesAndTheConnectionStaysOpen() {
        User flooder = member("wsflooder");
        User bystander = member("wsbystander");
        String channel = channelWith(flooder, bystander);

        try (Ws flooding = Ws.connect(http.baseUrl(), flooder.token());
             Ws calm = Ws.connect(http.baseUrl(), bystander.token())) {
            flooding.next("hello");
            calm.next("hello");

            // 60 sends at once: the burst is served, the rest refused, each refusal naming its send.
            for (int i = 0; i < 60; i++) {
                flooding.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "ws-" + i, "text", "flood " + i));
            }
            // Meanwhile the bystander's sends over their own socket are all acknowledged.
            for (int i = 0; i < 10; i++) {
                calm.send(Map.of("type", "send", "channelId", channel, "clientMsgId", "calm-" + i, "text", "calm " + i));
                JsonNode answer = calm.next(frame -> frame.path("type").asText().matches("ack|error"));
                assertThat(answer.path("type").asText()).as("the bystander's send %d: %s", i, answer).isEqualTo("ack");
            }
            // A send is answered once stored, so the pong can overtake acks: read on until every send is answered.
            List<JsonNode> answers = flooding.untilPong();
            while (ofType(answers, "ack").size() + rateLimited(answers).size() < 60) {
                answers.add(flooding.next());
            }
            List<JsonNode> acks = ofType(answers, "ack");
            List<JsonNode> limited = rateLimited(answers);
            System.out.printf("WebSocket send flood: 60 frames, %d acknowledged, %d rate_limited%n", acks.size(),
                    limited.size());
            assertThat(acks.size() + limited.size()).as("an answer to each of the 60 sends: %s", answers).isEqualTo(60);
            assertThat(acks.size()).isGreaterThanOrEqualTo(SEND_BURST).isLessThan(60);
            assertThat(limited).allSatisfy(error -> {
                assertThat(error.path("message").asText()).contains("too many sends");
                assertThat(error.path("retryAfterMs").asLong()).isPositive();
                assertThat(error.path("clientMsgId").asText()).startsWith("ws-");
            });
            assertThat(flooding.isOpen()).isTrue();

            // One bucket for sends, whichever way they come: right after the socket's flood, HTTP sends are refused
            // too (but for the token or two that refilled meanwhile).
            List<Integer> overHttp = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Reply reply = http.send(flooder, channel, Http.unique("http"), "over http");
                overHttp.add(reply.status());
                if (reply.status() == 429) {
                    assertThat(reply.headers().firstValue("Retry-After")).isPresent();
                }
            }
            assertThat(overHttp).isSubsetOf(201, 429).contains(429);

            // Typing fans out to every subscriber, so it has the smallest bucket (5, then 2 a second).
            for (int i = 0; i < 20; i++) {
                flooding.send(Map.of("type", "typing", "channelId", channel));
            }
            List<JsonNode> typingAnswers = flooding.untilPong();
            System.out.printf("WebSocket typing flood: 20 frames, %d rate_limited%n", rateLimited(typingAnswers).size());
            assertThat(rateLimited(typingAnswers)).hasSizeBetween(1, 15);

            // Other frames have a bucket of their own (200, then 50 a second): 300 pings in batches of 50, each
            // batch's answers read before the next, so no answer waits in a buffer.
            int pongs = 0;
            int refusedPings = 0;
            for (int batch = 0; batch < 6; batch++) {
                for (int i = 0; i < 50; i++) {
                    flooding.send(Map.of("type", "ping", "id", "p" + batch + "-" + i));
                }
                for (int answered = 0; answered < 50; answered++) {
                    JsonNode frame = flooding.next(f -> f.path("type").asText().equals("pong") || isRateLimited(f));
                    if (isRateLimited(frame)) {
                        refusedPings++;
                    } else {
                        pongs++;
                    }
                }
            }
            System.out.printf("WebSocket ping flood: 300 frames, %d answered, %d rate_limited%n", pongs, refusedPings);
            // The bucket's 200, less the two probe pings untilPong spent above (it refills while the test runs,
            // but a fast run may not have earned those two back).
            assertThat(pongs).isGreaterThanOrEqualTo(200 - 2).isLessThan(300);
            assertThat(refusedPings).isPositive();

            // Still open, and served again once the buckets refill.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                String id = Http.unique("later");
                flooding.send(Map.of("type", "send", "channelId", channel, "clientMsgId", id, "text", "calm now"));
                JsonNode answer = flooding.next(frame -> id.equals(frame.path("clientMsgId").asText()));
                return answer.path("type").asText().equals("ack");
            });
            assertThat(flooding.isOpen()).isTrue();
        }
    }

    @Test
    void otherWritesAndReadsHaveTheirOwnLimits() {
        User flooder = member("writer");
        User bystander = member("reader");
        String channel = channelWith(flooder, bystander);
        http.send(flooder, channel, "one", "something to mark as read").expect(201);

        Flood writes = Flood.start(4, () -> http.post("/api/channels/" + channel + "/read", flooder.token(),
                Map.of("seq", 0)));
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.refused() >= 5);
        writes.stop();
        assertThat(writes.answers()).extracting(Reply::status).contains(204, 429).containsOnly(204, 429);
        assertThat(writes.answers()).filteredOn(reply -> reply.status() == 429).allSatisfy(reply -> {
            assertThat(reply.headers().firstValue("Retry-After")).isPresent();
            assertThat(reply.detail()).contains("too many writes");
        });
        // Sends are another bucket, and other users have their own: the write flood leaves both alone.
        http.send(flooder, channel, Http.unique("send"), "sends are separate").expect(201);
        http.post("/api/channels/" + channel + "/read", bystander.token(), Map.of("seq", 0)).expect(204);

        Flood reads = Flood.start(4, () -> http.get("/api/channels/" + channel, flooder.token()));
        await().atMost(Duration.ofSeconds(30)).until(() -> reads.refused() >= 5);
        reads.stop();
        assertThat(reads.answers()).extracting(Reply::status).contains(200, 429).containsOnly(200, 429);
        http.get("/api/channels/" + channel, bystander.token()).expect(200);

        // Every refusal is counted, by kind, for the dashboard; every kind is exported from the start.
        String metrics = http.get("/actuator/prometheus", null).expect(200).body();
        for (String kind : List.of("send", "write", "read", "frame", "typing")) {
            assertThat(counter(metrics, kind)).as("backchannel_rate_limited_total{kind=%s}", kind).isNotNegative();
        }
        assertThat(counter(metrics, "write")).isPositive();
        assertThat(counter(metrics, "read")).isPositive();
    }

    /** The value of {@code backchannel_rate_limited_total} for {@code kind}, or -1 if it is not exported. */
    private static double counter(String metrics, String kind) {
        Matcher counter = Pattern.compile("(?m)^backchannel_rate_limited_total\\{[^}]*kind=\"" + kind
                + "\"[^}]*} ([0-9.Ee+-]+)$").matcher(metrics);
        return counter.find() ? Double.parseDouble(counter.group(1)) : -1;
    }

    /** Threads that repeat a request as fast as they can until stopped, keeping every answer. */
    private static final class Flood {
        private final ConcurrentLinkedQueue<Reply> answers = new ConcurrentLinkedQueue<>();
        private final AtomicInteger refused = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService threads;

        private Flood(int threads) {
            this.threads = Executors.newFixedThreadPool(threads);
        }

        static Flood start(int threads, Supplier<Reply> request) {
            Flood flood = new Flood(threads);
            for (int i = 0; i < threads; i++) {
                flood.threads.execute(() -> {
                    while (!flood.stop.get()) {
                        Reply reply = request.get();
                        flood.answers.add(reply);
                        if (reply.status() == 429) {
                            flood.refused.incrementAndGet();
                        }
                    }
                });
            }
            return flood;
        }

        int refused() {
            return refused.get();
        }

        void stop() {
            stop.set(true);
            threads.shutdown();
            try {
                assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        List<Reply> answers() {
            return List.copyOf(answers);
        }
    }

    private User member(String prefix) {
        User user = http.signUp(prefix);
        http.joinTeam(user, team);
        return user;
    }

    private String channelWith(User first, User second) {
        String channel = http.createChannel(first, team, false);
        http.joinChannel(second, channel);
        return channel;
    }

    private static List<JsonNode> ofType(List<JsonNode> frames, String type) {
        return frames.stream().filter(frame -> frame.path("type").asText().equals(type)).toList();
    }

    private static List<JsonNode> rateLimited(List<JsonNode> frames) {
        return frames.stream().filter(RateLimitTest::isRateLimited).toList();
    }

    private static boolean isRateLimited(JsonNode frame) {
        return frame.path("type").asText().equals("error") && frame.path("code").asText().equals("rate_limited");
    }
}
