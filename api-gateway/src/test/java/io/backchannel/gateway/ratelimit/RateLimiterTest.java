package io.backchannel.gateway.ratelimit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong();
    private RateLimiter limiter;

    @AfterEach
    void stop() {
        if (limiter != null) {
            limiter.stop();
        }
    }

    @Test
    void theDefaultsAreApiMdsForSendsAndEveryKindIsCountedFromTheStart() {
        limiter = new RateLimiter(defaults(true), registry, now::get);
        for (RateLimiter.Kind kind : RateLimiter.Kind.values()) {
            assertThat(registry.get(RateLimiter.METER).tag("kind", kind.tag()).counter().count()).isZero();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.admit(RateLimiter.Kind.SEND, "alice")).isEmpty();
        }
        RateLimitedException refused = limiter.admit(RateLimiter.Kind.SEND, "alice").orElseThrow();
        assertThat(refused.kind()).isEqualTo(RateLimiter.Kind.SEND);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(100));
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.getMessage()).isEqualTo(
                "too many sends: the limit is 10 per second (bursts of 20); retry in 1 s");
        assertThat(registry.get(RateLimiter.METER).tag("kind", "send").counter().count()).isEqualTo(1);
        assertThat(registry.get(RateLimiter.METER).tag("kind", "write").counter().count()).isZero();
        // Kinds are separate buckets.
        assertThat(limiter.admit(RateLimiter.Kind.WRITE, "alice")).isEmpty();
        assertThat(limiter.admit(RateLimiter.Kind.FRAME, "alice")).isEmpty();
    }

    @Test
    void sweepingForgetsIdleUsers() {
        limiter = new RateLimiter(defaults(true), registry, now::get);
        limiter.admit(RateLimiter.Kind.SEND, "alice");
        limiter.admit(RateLimiter.Kind.READ, "alice");
        limiter.admit(RateLimiter.Kind.TYPING, "bob");
        assertThat(limiter.trackedBuckets()).isEqualTo(3);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(limiter.sweep()).isZero();
    }

    @Test
    void disabledLimitsAdmitEverything() {
        limiter = new RateLimiter(defaults(false), registry, now::get);
        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.admit(RateLimiter.Kind.SEND, "alice")).isEmpty();
        }
        assertThat(limiter.trackedBuckets()).isZero();
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertThat(RateLimiter.wholeSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(RateLimiter.wholeSeconds(Duration.ofMillis(1_000))).isEqualTo(1);
        assertThat(RateLimiter.wholeSeconds(Duration.ofMillis(1_001))).isEqualTo(2);
    }

    @Test
    void nonsenseLimitsAreRefusedAtStartUp() {
        assertThatThrownBy(() -> new RateLimitProperties(true, 0, 20, 10, 30, 50, 200, 50, 200, 2, 5,
                Duration.ofSeconds(30))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("send");
        assertThatThrownBy(() -> new RateLimitProperties(true, 10, 20, 10, 0, 50, 200, 50, 200, 2, 5,
                Duration.ofSeconds(30))).hasMessageContaining("write");
        assertThatThrownBy(() -> new RateLimitProperties(true, 10, 20, 10, 30, 50, 200, 50, 200, 2, 5,
                Duration.ZERO)).hasMessageContaining("sweep-interval");
    }

    private static RateLimitProperties defaults(boolean enabled) {
        return new RateLimitProperties(enabled, 10, 20, 10, 30, 50, 200, 50, 200, 2, 5, Duration.ofSeconds(30));
    }
}
