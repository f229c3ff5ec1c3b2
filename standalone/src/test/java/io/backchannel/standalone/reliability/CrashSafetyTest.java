package io.backchannel.standalone.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.backchannel.standalone.Api;
import io.backchannel.standalone.Api.Response;
import io.backchannel.standalone.Api.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash safety: the standalone server runs as its own process and is killed with SIGKILL at random moments
 * while several clients send, then restarted on the same data, again and again. Each client retries a send
 * with the same {@code clientMsgId} until it is acknowledged (201, or 200 for a retry the server recognised),
 * except for a few messages it gives up on after a failed first attempt. In the end:
 * <ul>
 *     <li>every acknowledged message is in its channel's log exactly once, at the seq it was acknowledged with;</li>
 *     <li>each channel's log is gapless from 0;</li>
 *     <li>nothing is in a log that was never sent;</li>
 *     <li>a message never acknowledged is there at most once.</li>
 * </ul>
 */
class CrashSafetyTest {

    private static final int KILLS = 5;
    private static final int CHANNELS = 3;
    private static final int SENDERS = 6;
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** Each sender's pace: about 15 messages a second each, so a run stays small enough to check in full. */
    private static final Duration PACE = Duration.ofMillis(60);

    private record Sent(String sender, String channelId, User user, String clientMsgId, String text, boolean abandonable) {
        String key() {
            return user.userId() + "/" + clientMsgId;
        }
    }

    private record Ack(long seq, String messageId, int status) {
    }

    private final Map<String, Sent> attempted = new ConcurrentHashMap<>();
    private final Map<String, Ack> acked = new ConcurrentHashMap<>();
    private final Set<String> abandoned = ConcurrentHashMap.newKeySet();
    private final Map<String, Throwable> fatal = new ConcurrentHashMap<>();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicInteger ackedAfterRetry = new AtomicInteger();

    @Test
    void sigkillUnderLoadNeverLosesAnAcknowledgedMessageNorStoresOneTwice(@TempDir Path tmp, TestReporter reporter) {
        ServerProcess server = ServerProcess.on(tmp.resolve("data")).start();
        try {
            Api api = new Api(server.baseUrl());
            server.awaitUp(api, STARTUP);

            List<User> users = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                users.add(api.signUp("crash"));
            }
            String team = api.createTeam(users.get(0));
            List<String> channels = new ArrayList<>();
            channels.add(api.generalOf(users.get(0), team));
            for (int i = 1; i < CHANNELS; i++) {
                channels.add(api.createChannel(users.get(0), team, "crash-" + i, false));
            }
            for (User user : users.subList(1, users.size())) {
                api.joinTeam(user, team);
                channels.subList(1, CHANNELS).forEach(channel -> api.joinChannel(user, channel));
            }

            AtomicBoolean sending = new AtomicBoolean(true);
            List<Mono<Void>> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                senders.add(sender("s" + i, users.get(i), channels.get(i % CHANNELS), api, sending));
            }
            Sinks.Empty<Void> allDone = Sinks.empty();
            Disposable load = Mono.when(senders).subscribe(done -> { }, allDone::tryEmitError, allDone::tryEmitEmpty);

            int kills = 0;
            for (int round = 0; round < KILLS; round++) {
                // A random moment under load: after a random number of further acknowledgements.
                int target = acked.size() + ThreadLocalRandom.current().nextInt(40, 200);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .failFast("a sender hit an unexpected answer", () -> !fatal.isEmpty())
                        .until(() -> acked.size() >= target);
                int status = server.kill();
                assertThat(status).as("exit status of a process killed by SIGKILL").isEqualTo(137);
                kills++;
                server.start();
                server.awaitUp(api, STARTUP);
            }

            // Let the load run on the last incarnation for a moment, then stop: each sender finishes (acks) its message.
            int target = acked.size() + 100;
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= target);
            sending.set(false);
            allDone.asMono().block(Duration.ofSeconds(90));
            load.dispose();
            assertThat(fatal).as("unexpected answers").isEmpty();

            Map<String, List<JsonNode>> logs = awaitProjected(api, users.get(0), channels);
            Report report = check(logs, kills);
            reporter.publishEntry("crash safety", report.toString());
            System.out.println("CrashSafetyTest: " + report);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n--- last server output ---\n" + server.tail(60), e);
        } finally {
            if (server.isAlive()) {
                server.kill();
            }
        }
    }

    /**
     * One client: message after message to its channel, each retried with its clientMsgId until acknowledged,
     * except that every seventh is given up after a failed first attempt.
     */
    private Mono<Void> sender(String name, User user, String channelId, Api api, AtomicBoolean sending) {
        return Flux.range(0, Integer.MAX_VALUE)
                .takeWhile(i -> sending.get())
                .concatMap(i -> {
                    Sent sent = new Sent(name, channelId, user, name + "-" + i, name + " says " + i + " (crash safety)",
                            i % 7 == 3);
                    attempted.put(sent.key(), sent);
                    return send(sent, api).then(Mono.delay(PACE)).then();
                })
                .then();
    }

    private Mono<Void> send(Sent sent, Api api) {
        AtomicInteger attempts = new AtomicInteger();
        return Mono.defer(() -> {
                    attempts.incrementAndGet();
                    return api.send(sent.user(), sent.channelId(), sent.clientMsgId(), sent.text())
                            .timeout(Duration.ofSeconds(15));
                })
                .flatMap(response -> {
                    if (response.status() == 201 || response.status() == 200) {
                        return Mono.just(response);
                    }
                    if (response.status() >= 500) {
                        return Mono.error(new IllegalStateException("server error " + response.status()));
                    }
                    fatal.put(sent.key(), new AssertionError("answered " + response.status() + ": " + response.body()));
                    return Mono.empty();
                })
                .doOnError(error -> failedAttempts.incrementAndGet())
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(200))
                        .filter(error -> !sent.abandonable()))
                .doOnNext(response -> record(sent, response, attempts.get()))
                .onErrorResume(error -> {
                    abandoned.add(sent.key());
                    return Mono.empty();
                })
                .then();
    }

    private void record(Sent sent, Response response, int attempts) {
        acked.put(sent.key(), new Ack(response.number("seq"), response.text("messageId"), response.status()));
        if (attempts > 1 && response.status() == 200) {
            ackedAfterRetry.incrementAndGet();
        }
    }

    /** Until the projections show every event: each channel's log reaches its last seq, and no lag is left. */
    private static Map<String, List<JsonNode>> awaitProjected(Api api, User reader, List<String> channels) {
        Map<String, List<JsonNode>> logs = new HashMap<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            String metrics = api.get("/actuator/prometheus", null).expect(200).body().asText();
            assertThat(metrics).containsPattern("(?m)^backchannel_projection_lag_events\\{[^}]*} 0\\.0$");
            for (String channel : channels) {
                long lastSeq = api.get("/api/channels/" + channel, reader).expect(200).number("lastSeq");
                List<JsonNode> events = api.events(reader, channel);
                assertThat(events).as("log of %s", channel).hasSize((int) lastSeq + 1);
                logs.put(channel, events);
            }
        });
        return logs;
    }

    private record Report(int kills, int attempted, int acked, int ackedByDedupAfterRetry, int failedAttempts,
                          int abandoned, int abandonedButStored, int stored, int duplicates) {
        @Override
        public String toString() {
            return kills + " SIGKILLs; " + attempted + " messages sent, " + acked + " acked (" + ackedByDedupAfterRetry
                    + " of them answered 200 to a retry after a crash: the dedup held), " + failedAttempts
                    + " failed attempts retried; " + abandoned + " given up unacked, of which " + abandonedButStored
                    + " were stored anyway; " + stored + " messages stored; " + duplicates + " duplicates";
        }
    }

    private Report check(Map<String, List<JsonNode>> logs, int kills) {
        Map<String, List<JsonNode>> storedByKey = new HashMap<>();
        int stored = 0;
        for (var log : logs.entrySet()) {
            List<JsonNode> events = log.getValue();
            for (int seq = 0; seq < events.size(); seq++) {
                assertThat(events.get(seq).path("seq").asLong()).as("log of %s is gapless from 0", log.getKey())
                        .isEqualTo(seq);
            }
            for (JsonNode event : events) {
                if (!"message.posted".equals(event.path("type").asText())) {
                    continue;
                }
                stored++;
                String key = event.path("userId").asText() + "/" + event.path("clientMsgId").asText();
                storedByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(event);
                Sent sent = attempted.get(key);
                assertThat(sent).as("a stored message that was never sent: %s", event).isNotNull();
                assertThat(event.path("text").asText()).isEqualTo(sent.text());
                assertThat(event.path("channelId").asText()).isEqualTo(sent.channelId());
            }
        }
        long duplicates = storedByKey.values().stream().filter(found -> found.size() > 1).count();
        assertThat(storedByKey).as("messages stored more than once")
                .allSatisfy((key, found) -> assertThat(found).as(key).hasSize(1));

        for (var ack : acked.entrySet()) {
            List<JsonNode> found = storedByKey.get(ack.getKey());
            assertThat(found).as("acknowledged message %s is stored", ack.getKey()).isNotNull().hasSize(1);
            JsonNode event = found.get(0);
            assertThat(event.path("seq").asLong()).as("seq of %s", ack.getKey()).isEqualTo(ack.getValue().seq());
            assertThat(event.path("messageId").asText()).isEqualTo(ack.getValue().messageId());
        }
        int abandonedButStored = (int) abandoned.stream().filter(storedByKey::containsKey).count();
        assertThat(acked).as("acknowledgements").isNotEmpty();
        return new Report(kills, attempted.size(), acked.size(), ackedAfterRetry.get(), failedAttempts.get(),
                abandoned.size(), abandonedButStored, stored, (int) duplicates);
    }
}
