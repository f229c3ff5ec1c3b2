package io.backchannel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends as a careful client makes them: a POST with a clientMsgId, retried with the same clientMsgId
 * after a timeout, a 5xx or a dropped connection (the server answers a retry with the original seq),
 * and after a 429 once {@code Retry-After} has passed. Counts what happened.
 */
final class Sends {

    record Ack(String channelId, long seq, String userId, String clientMsgId, int status, long startNanos, long endNanos) {
    }

    private static final int MAX_ATTEMPTS = 4;

    private final Client client;
    final AtomicLong attempts = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    volatile String lastFailure;

    Sends(Client client) {
        this.client = client;
    }

    static String text(int size, String clientMsgId) {
        StringBuilder out = new StringBuilder(size + 16).append("bench ").append(clientMsgId).append(' ');
        while (out.length() < size) {
            out.append("lorem-ipsum ");
        }
        out.setLength(Math.max(1, size));
        return out.toString().strip().isEmpty() ? "x" : out.toString().strip();
    }

    /** Completes with the ack, or empty if the send finally failed (counted in {@link #failed}). */
    Mono<Ack> send(Client.User user, String channelId, String clientMsgId, String text) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return attempt(user, channelId, clientMsgId, text, start, 1);
        });
    }

    private Mono<Ack> attempt(Client.User user, String channelId, String clientMsgId, String text, long start, int n) {
        attempts.incrementAndGet();
        return client.send(user, channelId, clientMsgId, text)
                .flatMap(r -> {
                    if (r.status() == 201 || r.status() == 200) {
                        if (r.status() == 200) {
                            replayed.incrementAndGet();
                        }
                        JsonNode json = r.json();
                        return Mono.just(new Ack(channelId, json.path("seq").asLong(), user.userId(), clientMsgId,
                                r.status(), start, System.nanoTime()));
                    }
                    if (r.status() == 429) {
                        rateLimited.incrementAndGet();
                        long wait = retryAfterMillis(r.headers().get("Retry-After"));
                        return Mono.delay(Duration.ofMillis(wait))
                                .then(Mono.defer(() -> attempt(user, channelId, clientMsgId, text, start, n)));
                    }
                    if (r.status() >= 500 && n < MAX_ATTEMPTS) {
                        retried.incrementAndGet();
                        return Mono.delay(Duration.ofMillis(100L * n))
                                .then(Mono.defer(() -> attempt(user, channelId, clientMsgId, text, start, n + 1)));
                    }
                    failed.incrementAndGet();
                    lastFailure = "HTTP " + r.status() + ": " + Client.abbreviate(r.body());
                    return Mono.<Ack>empty();
                })
                .onErrorResume(e -> {
                    if (n < MAX_ATTEMPTS) {
                        retried.incrementAndGet();
                        return Mono.delay(Duration.ofMillis(100L * n))
                                .then(Mono.defer(() -> attempt(user, channelId, clientMsgId, text, start, n + 1)));
                    }
                    failed.incrementAndGet();
                    lastFailure = e.toString();
                    return Mono.empty();
                });
    }

    private static long retryAfterMillis(String header) {
        if (header == null) {
            return 1_000;
        }
        try {
            return Math.max(50, (long) (Double.parseDouble(header.trim()) * 1000));
        } catch (NumberFormatException e) {
            return 1_000;
        }
    }

    void figures(Report report) {
        report.figure("sendAttempts", "HTTP send attempts", attempts.get());
        report.figure("retries", "retries (timeout/5xx/IO, same clientMsgId)", retried.get());
        report.figure("replayedAcks", "acks that were replays (200)", replayed.get());
        report.figure("rateLimited", "429 answers (waited Retry-After)", rateLimited.get());
        report.figure("failedSends", "sends that finally failed", failed.get());
        if (lastFailure != null) {
            report.note("last send failure: " + lastFailure);
        }
        if (rateLimited.get() > 0) {
            report.note("the server rate-limited sends: the per-user send limit caps throughput at users x limit; "
                    + "add users (--senders/--publishers) or raise the limit with --server-arg");
        }
    }
}
