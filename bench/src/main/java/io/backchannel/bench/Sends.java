package io.backchannel.bench;

import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends as a careful client makes them: a message with a clientMsgId, retried with the same clientMsgId
 * after a timeout, a 5xx or a dropped connection (the server answers a retry with the original seq),
 * and after a 429 once {@code Retry-After} has passed. Counts what happened. A {@link Poster} carries
 * each attempt: a POST by default, or a WebSocket {@code send} frame ({@link WsPoster}).
 */
final class Sends {

    record Ack(String channelId, long seq, String userId, String clientMsgId, int status, long startNanos, long endNanos) {
    }

    /**
     * The server's answer to one attempt, in HTTP's terms whatever carried it: 201 (or 200 for a replay) with
     * the seq, 429 with how long to wait, a 5xx to retry, or another 4xx that ends the send.
     */
    record Answer(int status, long seq, long retryAfterMillis, String detail) {
    }

    /** One way to post a message. */
    interface Poster extends AutoCloseable {
        Mono<Answer> post(Client.User user, String channelId, String clientMsgId, String text);

        String name();

        @Override
        default void close() {
        }
    }

    private static final int MAX_ATTEMPTS = 4;

    private final Poster poster;
    final AtomicLong attempts = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    volatile String lastFailure;

    Sends(Client client) {
        this(http(client));
    }

    Sends(Poster poster) {
        this.poster = poster;
    }

    /** API.md's {@code POST /api/channels/{channelId}/messages}. */
    static Poster http(Client client) {
        return new Poster() {
            @Override
            public Mono<Answer> post(Client.User user, String channelId, String clientMsgId, String text) {
                return client.send(user, channelId, clientMsgId, text).map(r -> new Answer(r.status(),
                        r.ok() ? r.json().path("seq").asLong() : -1,
                        retryAfterMillis(r.headers().get("Retry-After")), Client.abbreviate(r.body())));
            }

            @Override
            public String name() {
                return "http";
            }
        };
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
        return poster.post(user, channelId, clientMsgId, text)
                .flatMap(r -> {
                    if (r.status() == 201 || r.status() == 200) {
                        if (r.status() == 200) {
                            replayed.incrementAndGet();
                        }
                        return Mono.just(new Ack(channelId, r.seq(), user.userId(), clientMsgId,
                                r.status(), start, System.nanoTime()));
                    }
                    if (r.status() == 429) {
                        rateLimited.incrementAndGet();
                        return Mono.delay(Duration.ofMillis(r.retryAfterMillis()))
                                .then(Mono.defer(() -> attempt(user, channelId, clientMsgId, text, start, n)));
                    }
                    if (r.status() >= 500 && n < MAX_ATTEMPTS) {
                        retried.incrementAndGet();
                        return Mono.delay(Duration.ofMillis(100L * n))
                                .then(Mono.defer(() -> attempt(user, channelId, clientMsgId, text, start, n + 1)));
                    }
                    failed.incrementAndGet();
                    lastFailure = r.status() + ": " + r.detail();
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
        report.figure("sendAttempts", poster.name() + " send attempts", attempts.get());
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
