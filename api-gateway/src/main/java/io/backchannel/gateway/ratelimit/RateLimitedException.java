package io.backchannel.gateway.ratelimit;

import java.time.Duration;

/** A request over its caller's rate limit; the edge answers 429 with {@code Retry-After}. */
public class RateLimitedException extends RuntimeException {

    private final transient RateLimiter.Kind kind;
    private final transient Duration retryAfter;

    public RateLimitedException(RateLimiter.Kind kind, Duration retryAfter, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    public RateLimiter.Kind kind() {
        return kind;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@code Retry-After} in whole seconds (RFC 9110 allows no fraction), rounded up, at least 1. */
    public long retryAfterSeconds() {
        return RateLimiter.wholeSeconds(retryAfter);
    }
}
