package io.backchannel.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The per-user rate limits of this gateway node (see {@link RateLimitProperties}): a token bucket per
 * (user, {@link Kind}). Deciding is a few arithmetic operations under a per-key lock, never a wait, so it
 * runs on the event loop; a refusal costs nothing downstream, so one user's flood does not slow others.
 * Refusals are counted in {@code backchannel.rate.limited} (Prometheus {@code backchannel_rate_limited_total})
 * by {@code kind}.
 */
@Component
@EnableConfigurationProperties(RateLimitProperties.class)
public class RateLimiter {

    /** What a request or frame spends; each kind has its own bucket per user. */
    public enum Kind {
        SEND("sends"), WRITE("writes"), READ("reads"), FRAME("WebSocket frames"), TYPING("typing frames");

        private final String plural;

        Kind(String plural) {
            this.plural = plural;
        }

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String METER = "backchannel.rate.limited";

    private final RateLimitProperties properties;
    private final Map<Kind, TokenBuckets> buckets = new EnumMap<>(Kind.class);
    private final Map<Kind, Counter> refused = new EnumMap<>(Kind.class);
    private final Disposable sweeper;

    @Autowired
    RateLimiter(RateLimitProperties properties, MeterRegistry registry) {
        this(properties, registry, monotonicClock());
    }

    RateLimiter(RateLimitProperties properties, MeterRegistry registry, LongSupplier nanoClock) {
        this.properties = properties;
        for (Kind kind : Kind.values()) {
            RateLimitProperties.Limit limit = properties.limit(kind);
            buckets.put(kind, new TokenBuckets(limit.perSecond(), limit.burst(), nanoClock));
            refused.put(kind, Counter.builder(METER)
                    .description("Requests and WebSocket frames refused by the per-user rate limits")
                    .tag("kind", kind.tag())
                    .register(registry));
        }
        this.sweeper = Flux.interval(properties.sweepInterval(), Schedulers.parallel())
                .subscribe(tick -> sweep());
    }

    /**
     * Spends one token of {@code userId}'s {@code kind} bucket. Empty when allowed; otherwise the refusal
     * to answer with (429 over HTTP, a {@code rate_limited} frame over WebSocket), already counted.
     */
    public Optional<RateLimitedException> admit(Kind kind, String userId) {
        if (!properties.enabled()) {
            return Optional.empty();
        }
        long waitNanos = buckets.get(kind).tryTake(userId);
        if (waitNanos == 0) {
            return Optional.empty();
        }
        refused.get(kind).increment();
        RateLimitProperties.Limit limit = properties.limit(kind);
        Duration retryAfter = Duration.ofNanos(waitNanos);
        return Optional.of(new RateLimitedException(kind, retryAfter, "too many " + kind.plural + ": the limit is "
                + format(limit.perSecond()) + " per second (bursts of " + limit.burst() + "); retry in "
                + wholeSeconds(retryAfter) + " s"));
    }

    /** Drops the buckets that have refilled completely; returns how many remain in all. */
    public int sweep() {
        return buckets.values().stream().mapToInt(TokenBuckets::sweep).sum();
    }

    /** Buckets held now, over all kinds: the memory the limits cost. */
    public int trackedBuckets() {
        return buckets.values().stream().mapToInt(TokenBuckets::size).sum();
    }

    @PreDestroy
    void stop() {
        sweeper.dispose();
    }

    static long wholeSeconds(Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private static String format(double perSecond) {
        return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond);
    }

    private static LongSupplier monotonicClock() {
        long origin = System.nanoTime();
        return () -> System.nanoTime() - origin;
    }
}
