package io.backchannel.gateway.ratelimit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Per-user rate limits: one token bucket per (user, kind), refilled at {@code *PerSecond} and holding at
 * most {@code *Burst} tokens. The buckets live in this gateway node's memory, so with N nodes behind a
 * load balancer a user may get up to N times these rates; holding them across nodes would need a shared
 * store.
 *
 * @param enabled          whether the limits apply at all (default true)
 * @param sendsPerSecond   messages sent, by {@code POST /api/channels/{id}/messages} or a WebSocket
 *                         {@code send} frame, one bucket for both (default 10, as API.md says)
 * @param sendBurst        sends allowed at once from a full bucket (default 20, as API.md says)
 * @param writesPerSecond  every other authenticated write: {@code POST}, {@code PUT}, {@code PATCH} and
 *                         {@code DELETE} under {@code /api} (teams, channels, memberships, read markers,
 *                         edits, deletes, reactions) (default 10)
 * @param writeBurst       (default 30)
 * @param readsPerSecond   authenticated {@code GET}s under {@code /api}: reads, boots, searches, and the
 *                         opening of SSE streams and WebSocket upgrades (default 50)
 * @param readBurst        (default 200: a client's whole boot, history and streams at once)
 * @param framesPerSecond  WebSocket frames other than {@code send} and {@code typing}: {@code subscribe},
 *                         {@code unsubscribe}, {@code ping}, and bad frames (default 50)
 * @param frameBurst       (default 200: subscribing to many channels right after connecting)
 * @param typingPerSecond  WebSocket {@code typing} frames, which fan out to every subscriber of the
 *                         channel (default 2)
 * @param typingBurst      (default 5)
 * @param sweepInterval    how often buckets that have refilled completely are dropped; a full bucket is
 *                         the same as no bucket, so dropping it forgets nothing (default 30 s)
 */
@ConfigurationProperties("backchannel.rate-limit")
public record RateLimitProperties(@DefaultValue("true") boolean enabled,
                                  @DefaultValue("10") double sendsPerSecond,
                                  @DefaultValue("20") int sendBurst,
                                  @DefaultValue("10") double writesPerSecond,
                                  @DefaultValue("30") int writeBurst,
                                  @DefaultValue("50") double readsPerSecond,
                                  @DefaultValue("200") int readBurst,
                                  @DefaultValue("50") double framesPerSecond,
                                  @DefaultValue("200") int frameBurst,
                                  @DefaultValue("2") double typingPerSecond,
                                  @DefaultValue("5") int typingBurst,
                                  @DefaultValue("30s") Duration sweepInterval) {

    public RateLimitProperties {
        requirePositive(sendsPerSecond, sendBurst, "send");
        requirePositive(writesPerSecond, writeBurst, "write");
        requirePositive(readsPerSecond, readBurst, "read");
        requirePositive(framesPerSecond, frameBurst, "frame");
        requirePositive(typingPerSecond, typingBurst, "typing");
        if (sweepInterval == null || sweepInterval.isZero() || sweepInterval.isNegative()) {
            throw new IllegalArgumentException("backchannel.rate-limit.sweep-interval must be positive");
        }
    }

    /** The rate and burst of one kind. */
    public Limit limit(RateLimiter.Kind kind) {
        return switch (kind) {
            case SEND -> new Limit(sendsPerSecond, sendBurst);
            case WRITE -> new Limit(writesPerSecond, writeBurst);
            case READ -> new Limit(readsPerSecond, readBurst);
            case FRAME -> new Limit(framesPerSecond, frameBurst);
            case TYPING -> new Limit(typingPerSecond, typingBurst);
        };
    }

    public record Limit(double perSecond, int burst) {
    }

    private static void requirePositive(double perSecond, int burst, String kind) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond) || burst < 1) {
            throw new IllegalArgumentException("backchannel.rate-limit: the " + kind
                    + " rate must be a positive number and its burst at least 1");
        }
    }
}
